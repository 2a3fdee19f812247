/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Per-round ratios `a[i] / b[i]` (rounds are paired: both were measured in round i). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, index) => value / (b[index] as number));
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '–';
}

/**
 * A distribution-free 95% confidence interval of the median, from order statistics: the
 * values ranked `(n − 1.96√n) / 2` and `(n + 1.96√n) / 2`. With few values (the 7 rounds of
 * HTTP) it is their whole range; with hundreds (in-process) it narrows to what the run resolves.
 */
export function medianInterval(values: readonly number[]): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 1.96 * Math.sqrt(n);
  const low = Math.max(0, Math.floor((n - half) / 2));
  const high = Math.min(n - 1, Math.ceil((n + half) / 2));
  return [sorted[low] as number, sorted[high] as number];
}

/**
 * Each generation's median of per-round values (a generation is one set of fresh worker
 * processes; `roundsPerGeneration` says how many of the pooled rounds each measured, in order).
 * Empty when the counts do not add up to the rounds given (nothing to split).
 */
export function generationMedians(
  perRound: readonly number[],
  roundsPerGeneration: readonly number[],
): number[] {
  let total = 0;
  for (const rounds of roundsPerGeneration) total += rounds;
  if (total !== perRound.length) return [];
  const medians: number[] = [];
  let start = 0;
  for (const rounds of roundsPerGeneration) {
    if (rounds > 0) medians.push(median(perRound.slice(start, start + rounds)));
    start += rounds;
  }
  return medians;
}

/** `1.01 (0.93–1.08)`: a median ratio and the 95% interval of the per-round ratios' median. */
export function formatSpread(ratio: number, perRound: readonly number[]): string {
  if (perRound.length === 0) return formatRatio(ratio);
  const [low, high] = medianInterval(perRound);
  return `${formatRatio(ratio)} (${formatRatio(low)}–${formatRatio(high)})`;
}
