/** Turns the raw samples into the Markdown tables and the target verdicts of BENCHMARKS.md. */
import type { HttpResult } from './http-bench.js';
import type { InProcessResult } from './in-process.js';
import {
  formatRatio,
  formatSpread,
  generationMedians,
  median,
  medianInterval,
  pairedRatios,
} from './stats.js';
import { WORKLOADS, type InProcessVariant } from './workloads.js';

type Lookup<T> = (framework: string, workload: string, variant: InProcessVariant) => T | undefined;

function lookup<T extends { framework: string; workload: string; variant: InProcessVariant }>(
  results: readonly T[],
): Lookup<T> {
  const byKey = new Map(
    results.map((result) => [`${result.framework}/${result.workload}/${result.variant}`, result]),
  );
  return (framework, workload, variant) => byKey.get(`${framework}/${workload}/${variant}`);
}

function pairs<T extends { framework: string; workload: string }>(
  results: readonly T[],
): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const { framework, workload } of results) {
    const key = `${framework}/${workload}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([framework, workload]);
    }
  }
  return out;
}

const titleOf = (workload: string): string =>
  WORKLOADS.find(({ name }) => name === workload)?.title ?? workload;

/** Medians and ratios of one (framework, workload) from per-round values of each variant. */
export interface Comparison {
  readonly bare: number;
  readonly control: number;
  readonly incumbent: number;
  readonly ours: number;
  /**
   * Ratios are medians of the per-round ratios: a round measures the variants back to back, so
   * pairing them cancels the machine's slower drifts.
   */
  readonly controlRatio: number;
  readonly incumbentRatio: number;
  readonly oursRatio: number;
  readonly oursToIncumbent: number;
  /** In-process, allowed GET only (else NaN): the floor ÷ bare, and ours ÷ the floor. */
  readonly floorRatio: number;
  readonly oursToFloor: number;
  /** Per-round bare-control ÷ bare: the A/A spread. */
  readonly controlRounds: number[];
  readonly oursRounds: number[];
  readonly oursToIncumbentRounds: number[];
  readonly oursToFloorRounds: number[];
  /**
   * In-process with several generations of worker processes: each generation's median of the
   * per-round ratios (A/A, ours ÷ incumbent, ours ÷ floor). Rounds of one set of processes share
   * that set's luck (how its JIT and heap settled), so these, not the pooled rounds, show how
   * far a ratio moves from one set of processes to the next.
   */
  readonly controlByGeneration: number[];
  readonly oursToIncumbentByGeneration: number[];
  readonly oursToFloorByGeneration: number[];
}

function compare(
  values: (variant: InProcessVariant) => number[],
  roundsPerGeneration: readonly number[] = [],
): Comparison {
  const bare = values('bare');
  const medianOf = (list: number[]): number => (list.length > 0 ? median(list) : Number.NaN);
  const controlRounds = pairedRatios(values('bare-control'), bare);
  const incumbentRounds = pairedRatios(values('incumbent'), bare);
  const oursRounds = pairedRatios(values('ours'), bare);
  const oursToIncumbentRounds = pairedRatios(values('ours'), values('incumbent'));
  const oursToFloorRounds = pairedRatios(values('ours'), values('floor'));
  const byGeneration = (rounds: readonly number[]): number[] =>
    roundsPerGeneration.length > 1 ? generationMedians(rounds, roundsPerGeneration) : [];
  return {
    bare: medianOf(bare),
    control: medianOf(values('bare-control')),
    incumbent: medianOf(values('incumbent')),
    ours: medianOf(values('ours')),
    controlRatio: medianOf(controlRounds),
    incumbentRatio: medianOf(incumbentRounds),
    oursRatio: medianOf(oursRounds),
    oursToIncumbent: medianOf(oursToIncumbentRounds),
    floorRatio: medianOf(pairedRatios(values('floor'), bare)),
    oursToFloor: medianOf(oursToFloorRounds),
    controlRounds,
    oursRounds,
    oursToIncumbentRounds,
    oursToFloorRounds,
    controlByGeneration: byGeneration(controlRounds),
    oursToIncumbentByGeneration: byGeneration(oursToIncumbentRounds),
    oursToFloorByGeneration: values('floor').length > 0 ? byGeneration(oursToFloorRounds) : [],
  };
}

export function httpComparisons(results: readonly HttpResult[]): {
  framework: string;
  workload: string;
  throughput: Comparison;
  cpu: Comparison;
}[] {
  const find = lookup(results);
  return pairs(results).map(([framework, workload]) => {
    const samplesOf = (variant: InProcessVariant): HttpResult['samples'] =>
      find(framework, workload, variant)?.samples ?? [];
    return {
      framework,
      workload,
      throughput: compare((variant) =>
        samplesOf(variant).map((sample) => sample.requestsPerSecond),
      ),
      cpu: compare((variant) => samplesOf(variant).map((sample) => sample.cpuMicrosPerRequest)),
    };
  });
}

export function inProcessComparisons(results: readonly InProcessResult[]): {
  framework: string;
  workload: string;
  time: Comparison;
  /** Per round: ours ÷ ours with a 1-origin allowlist (only the 10,000-origin workload). */
  oursToOneOrigin: number[];
}[] {
  const find = lookup(results);
  return pairs(results).map(([framework, workload]) => {
    const values = (variant: InProcessVariant): number[] =>
      find(framework, workload, variant)?.nsPerRequest ?? [];
    return {
      framework,
      workload,
      time: compare(values, find(framework, workload, 'bare')?.roundsPerGeneration),
      oursToOneOrigin: pairedRatios(values('ours'), values('ours-one-origin')),
    };
  });
}

export function httpTable(results: readonly HttpResult[]): string {
  const lines = [
    '| framework | workload | bare req/s | A/A req/s (interval) | incumbent ÷ bare | ours ÷ bare (95% interval) | ours ÷ incumbent | bare CPU µs/req | A/A CPU | incumbent CPU ÷ bare | ours CPU ÷ bare |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { framework, workload, throughput: t, cpu: c } of httpComparisons(results)) {
    lines.push(
      `| ${framework} | ${titleOf(workload)} | ${Math.round(t.bare)} | ${formatSpread(t.controlRatio, t.controlRounds)} | ${formatRatio(t.incumbentRatio)} | ${formatSpread(t.oursRatio, t.oursRounds)} | ${formatRatio(t.oursToIncumbent)} | ${c.bare.toFixed(1)} | ${formatRatio(c.controlRatio)} | ${formatRatio(c.incumbentRatio)} | ${formatRatio(c.oursRatio)} |`,
    );
  }
  return lines.join('\n');
}

export function inProcessTable(results: readonly InProcessResult[]): string {
  const lines = [
    '| framework | workload | bare µs/req | A/A (95% interval) | incumbent ÷ bare | ours ÷ bare (95% interval) | ours ÷ incumbent | ours − bare (µs) | floor ÷ bare | ours ÷ floor |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const { framework, workload, time: t } of inProcessComparisons(results)) {
    lines.push(
      `| ${framework} | ${titleOf(workload)} | ${(t.bare / 1000).toFixed(2)} | ${formatSpread(t.controlRatio, t.controlRounds)} | ${formatRatio(t.incumbentRatio)} | ${formatSpread(t.oursRatio, t.oursRounds)} | ${formatRatio(t.oursToIncumbent)} | ${((t.ours - t.bare) / 1000).toFixed(2)} | ${formatRatio(t.floorRatio)} | ${formatRatio(t.oursToFloor)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * In-process, by generation of worker processes (runs with `--in-process-generations` of 2 or
 * more): each ratio is the median of the generations' own medians, with the 95% interval of
 * that median over the generations (their whole range when there are 7 or fewer), and how
 * many generations put ours at or below the incumbent. Empty for a run of one generation.
 */
export function generationTable(results: readonly InProcessResult[]): string {
  const rows = inProcessComparisons(results).filter(
    ({ time }) =>
      time.oursToIncumbentByGeneration.length > 1 && Number.isFinite(time.oursToIncumbent),
  );
  if (rows.length === 0) return '';
  const lines = [
    '| framework | workload | generations | A/A (interval) | ours ÷ incumbent (interval) | generations with ours ≤ incumbent | ours ÷ floor (interval) |',
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  const spread = (values: readonly number[]): string =>
    values.length === 0 ? '–' : formatSpread(median(values), values);
  for (const { framework, workload, time: t } of rows) {
    const byGeneration = t.oursToIncumbentByGeneration;
    const atOrBelow = byGeneration.filter((ratio) => ratio <= 1).length;
    lines.push(
      `| ${framework} | ${titleOf(workload)} | ${byGeneration.length} | ${spread(t.controlByGeneration)} | ${spread(byGeneration)} | ${atOrBelow} of ${byGeneration.length} | ${spread(t.oursToFloorByGeneration)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Issue 17, in-process on the allowed GET: ours with `origin: cachedOrigins(lookup)` on a warm
 * cache, ours from a policy reconfigured once, and ours in report-only mode (issue 20), each ÷
 * ours with the static 1-origin list (paired per round; no cost would show as a ratio inside the
 * A/A interval).
 */
export function dynamicOriginsTable(results: readonly InProcessResult[]): string {
  const find = lookup(results);
  const lines = [
    '| framework | ours µs/req | cached dynamic ÷ static list (95% interval) | reconfigured ÷ never reconfigured (95% interval) | report-only ÷ enforced (95% interval) | A/A (95% interval) |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const [framework, workload] of pairs(results)) {
    const values = (variant: InProcessVariant): number[] =>
      find(framework, workload, variant)?.nsPerRequest ?? [];
    const cached = pairedRatios(values('ours-cached-origins'), values('ours'));
    const reconfigured = pairedRatios(values('ours-reconfigured'), values('ours'));
    const reportOnly = pairedRatios(values('ours-report-only'), values('ours'));
    if (cached.length === 0 && reconfigured.length === 0 && reportOnly.length === 0) continue;
    const control = pairedRatios(values('bare-control'), values('bare'));
    lines.push(
      `| ${framework} | ${(median(values('ours')) / 1000).toFixed(2)} | ${formatSpread(median(cached), cached)} | ${formatSpread(median(reconfigured), reconfigured)} | ${formatSpread(median(reportOnly), reportOnly)} | ${formatSpread(median(control), control)} |`,
    );
  }
  return lines.length > 2 ? lines.join('\n') : '';
}

/**
 * Judges a ratio against its target. Between the target and the A/A control's interval (the 95%
 * interval of its per-round median: with 7 HTTP rounds their whole range) the run cannot tell:
 * that is reported as such, never as met.
 */
function judge(
  ratio: number,
  target: number,
  higherIsBetter: boolean,
  control: readonly number[],
  own: readonly number[] = [],
): string {
  if (!Number.isFinite(ratio)) return 'not measured';
  if (higherIsBetter ? ratio >= target : ratio <= target) return 'met';
  // The ratio's own interval reaches the target: more rounds could still show it met.
  const [ownLow, ownHigh] = medianInterval(own);
  if (own.length > 0 && (higherIsBetter ? ownHigh >= target : ownLow <= target)) {
    return 'not resolved (the target is inside its interval)';
  }
  const [low, high] = medianInterval(control);
  const noise = higherIsBetter ? low : high;
  if (control.length > 0 && (higherIsBetter ? ratio >= noise : ratio <= noise)) {
    return 'not resolved (within the A/A interval)';
  }
  return '**not met**';
}

const interval = (values: readonly number[]): string => {
  if (values.length === 0) return '–';
  const [low, high] = medianInterval(values);
  return `${formatRatio(low)}–${formatRatio(high)}`;
};

/**
 * 10,000 origins against 1: each workload's ours ÷ bare (paired within its rounds, so the two
 * workloads' different moments cancel out), then the ratio of the two.
 */
function allowlistRow(kind: string, framework: string, one: Comparison, large: Comparison): string {
  const relative = large.oursRatio / one.oursRatio;
  const incumbent = large.incumbentRatio / one.incumbentRatio;
  return `| ${kind}: 10,000-origin ÷ 1-origin allowlist, (ours ÷ bare) ≤ 1.03 | ${framework} | ${formatRatio(relative)} (incumbent ${formatRatio(incumbent)}) | ${interval(large.controlRounds)} | ${judge(relative, 1.03, false, large.controlRounds)} |`;
}

/** The targets, each judged from this run's numbers, as a Markdown table. */
export function verdicts(
  http: readonly HttpResult[],
  inProcess: readonly InProcessResult[],
): string {
  const rows: string[] = [
    '| target | framework | measured | A/A interval | verdict |',
    '|---|---|--:|--:|---|',
  ];
  const inProc = inProcessComparisons(inProcess);
  const find = <T extends { framework: string; workload: string }>(
    list: readonly T[],
    framework: string,
    workload: string,
  ): T | undefined => list.find((row) => row.framework === framework && row.workload === workload);
  const frameworks = [
    ...new Set([...inProc, ...httpComparisons(http)].map(({ framework }) => framework)),
  ];

  for (const framework of frameworks) {
    const get = find(inProc, framework, 'allowed-get')?.time;
    if (get && Number.isFinite(get.oursRatio)) {
      rows.push(
        `| in-process: allowed GET, ours ÷ bare ≤ 1.03 | ${framework} | ${formatSpread(get.oursRatio, get.oursRounds)} | ${interval(get.controlRounds)} | ${judge(get.oursRatio, 1.03, false, get.controlRounds, get.oursRounds)} |`,
      );
    }
    if (get && Number.isFinite(get.oursToFloor)) {
      // Not the target: how far ours is from the least any CORS layer sending the same
      // four headers can cost (the floor's own ÷ bare is in the in-process table).
      rows.push(
        `| in-process: allowed GET, ours ÷ floor (same headers, no decision) ≤ 1.03 | ${framework} | ${formatSpread(get.oursToFloor, get.oursToFloorRounds)} (floor ÷ bare ${formatRatio(get.floorRatio)}) | ${interval(get.controlRounds)} | ${judge(get.oursToFloor, 1.03, false, get.controlRounds, get.oursToFloorRounds)} |`,
      );
    }
  }
  for (const framework of frameworks) {
    for (const { name: workload } of WORKLOADS) {
      const t = find(inProc, framework, workload)?.time;
      if (!t || !Number.isFinite(t.oursToIncumbent)) continue;
      rows.push(
        `| in-process: ${titleOf(workload)}, ours ÷ incumbent < 1 | ${framework} | ${formatSpread(t.oursToIncumbent, t.oursToIncumbentRounds)} | ${interval(t.controlRounds)} | ${judge(t.oursToIncumbent, 1, false, t.controlRounds, t.oursToIncumbentRounds)} |`,
      );
    }
  }
  for (const framework of frameworks) {
    const large = find(inProc, framework, 'allowlist-10k');
    if (!large || large.oursToOneOrigin.length === 0) continue;
    // Ours with 10,000 origins against ours with only the requested one, in the same rounds.
    const ratio = median(large.oursToOneOrigin);
    rows.push(
      `| in-process: 10,000-origin ÷ 1-origin allowlist, ours (same request, same rounds) ≤ 1.03 | ${framework} | ${formatSpread(ratio, large.oursToOneOrigin)} | ${interval(large.time.controlRounds)} | ${judge(ratio, 1.03, false, large.time.controlRounds, large.oursToOneOrigin)} |`,
    );
  }
  const httpRows = httpComparisons(http);
  for (const framework of frameworks) {
    for (const workload of ['allowed-get', 'preflight']) {
      const row = find(httpRows, framework, workload);
      if (!row || !Number.isFinite(row.throughput.oursRatio)) continue;
      const { throughput: t, cpu } = row;
      rows.push(
        `| HTTP: ${titleOf(workload)}, ours ÷ bare req/s ≥ 0.97 | ${framework} | ${formatRatio(t.oursRatio)} (CPU/req ${formatRatio(cpu.oursRatio)}) | ${interval(t.controlRounds)} | ${judge(t.oursRatio, 0.97, true, t.controlRounds)} |`,
        `| HTTP: ${titleOf(workload)}, ours ÷ incumbent req/s ≥ 1 | ${framework} | ${formatRatio(t.oursToIncumbent)} (CPU/req ${formatRatio(cpu.oursToIncumbent)}) | ${interval(t.controlRounds)} | ${judge(t.oursToIncumbent, 1, true, t.controlRounds)} |`,
      );
    }
    const one = find(httpRows, framework, 'allowed-get')?.cpu;
    const large = find(httpRows, framework, 'allowlist-10k')?.cpu;
    if (one && large && Number.isFinite(one.oursRatio) && Number.isFinite(large.oursRatio)) {
      rows.push(allowlistRow('HTTP (server CPU/req)', framework, one, large));
    }
  }
  return rows.join('\n');
}
