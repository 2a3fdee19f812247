import { expect } from 'vitest';
import type { ConfigErrorRow } from './config-error-rows.js';

/**
 * Asserts that `start` (an adapter's factory, or a whole app start-up) fails with the
 * `CorsConfigError` a configuration-error row describes: its first issue names the row's option
 * and the message mentions the bad value and the fix. `errorClass` is the adapter's re-export.
 */
export async function expectConfigError(
  start: () => unknown,
  row: ConfigErrorRow,
  errorClass: abstract new (...args: never[]) => Error,
): Promise<void> {
  let error: unknown;
  try {
    await start();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(errorClass);
  const { issues, message } = error as Error & { issues: readonly { option: string }[] };
  expect(issues[0]?.option).toBe(row.expected.option);
  for (const text of row.expected.mentions) expect(message).toContain(text);
  for (const text of row.expected.omits ?? []) expect(message).not.toContain(text);
}
