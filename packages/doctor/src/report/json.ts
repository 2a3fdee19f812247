import type { DoctorResult } from './rows.js';

/** The machine-readable report (`--json`): the result object itself, as JSON. */
export function formatJson(result: DoctorResult): string {
  return JSON.stringify(result, null, 2);
}
