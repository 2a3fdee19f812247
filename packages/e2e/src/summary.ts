import type { Allowlist } from './scenarios.js';

/** One scenario run: what the SPEC expects the page to read, and what it read. */
export interface ScenarioResult {
  adapter: string;
  scenario: string;
  allowlist: Allowlist;
  expected: string;
  actual: string;
}

/**
 * The adapter × scenario table printed after the run: for each allowlist, what the page was
 * expected to read (`blocked` when the browser must refuse it) and what it read.
 */
export function formatSummary(
  results: readonly ScenarioResult[],
  skipped: readonly string[],
): string {
  const rows = new Map<
    string,
    { adapter: string; scenario: string; cells: Map<Allowlist, ScenarioResult> }
  >();
  for (const result of results) {
    const key = `${result.adapter}\u0000${result.scenario}`;
    const row = rows.get(key) ?? {
      adapter: result.adapter,
      scenario: result.scenario,
      cells: new Map(),
    };
    row.cells.set(result.allowlist, result);
    rows.set(key, row);
  }
  const describe = (result: ScenarioResult | undefined): [string, string] =>
    result === undefined ? ['-', 'not run'] : [result.expected, result.actual];
  const table = [
    ['adapter', 'scenario', 'with A: expected', 'actual', 'without A: expected', 'actual', ''],
    ...[...rows.values()].map(({ adapter, scenario, cells }) => {
      const withA = cells.get('with A');
      const withoutA = cells.get('without A');
      const matched = [withA, withoutA].every(
        (cell) => cell !== undefined && cell.expected === cell.actual,
      );
      return [
        adapter,
        scenario,
        ...describe(withA),
        ...describe(withoutA),
        matched ? 'ok' : 'MISMATCH',
      ];
    }),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const matches = results.filter((result) => result.expected === result.actual).length;
  return [
    'CORS in a real browser: page on origin A (http://127.0.0.1) reading an API on origin B (http://localhost)',
    line(table[0]!),
    line(widths.map((width) => '-'.repeat(width))),
    ...table.slice(1).map(line),
    `${matches} of ${results.length} scenario runs read what the SPEC expects.`,
    ...skipped.map((reason) => `Skipped: ${reason}`),
  ].join('\n');
}
