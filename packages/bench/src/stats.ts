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

/** `1.01 (0.93–1.08)`: a ratio of medians and the range of the paired per-round ratios. */
export function formatSpread(ratio: number, perRound: readonly number[]): string {
  if (perRound.length === 0) return formatRatio(ratio);
  return `${formatRatio(ratio)} (${formatRatio(Math.min(...perRound))}–${formatRatio(Math.max(...perRound))})`;
}
