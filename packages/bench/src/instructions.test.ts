import { describe, expect, it } from 'vitest';
import { estimatedCycles, simulatedMisses } from './instructions.js';

// The two lines of a callgrind output that `--simulate` reads, with its event order.
const EVENTS = 'events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim';

describe('simulatedMisses', () => {
  it('sums the first-level, last-level and branch misses per request', () => {
    const output = `${EVENTS}\nsummary: 1\ntotals: 1000 400 300 10 20 30 1 2 3 100 40 50 6\n`;
    expect(simulatedMisses(output, 10)).toEqual({
      firstLevel: 6,
      lastLevel: 0.6,
      branches: 4.6,
    });
  });

  it('gives nothing for a count without the simulation', () => {
    expect(simulatedMisses('events: Ir\ntotals: 1000\n', 10)).toBeUndefined();
  });
});

describe('estimatedCycles', () => {
  it('weighs first-level misses and mispredictions by 10 and last-level misses by 100', () => {
    const count = {
      total: 1000,
      steady: 900,
      simulated: { firstLevel: 6, lastLevel: 0.6, branches: 4.6 },
    };
    expect(estimatedCycles(count)).toBeCloseTo(1000 + 10 * (6 + 4.6) + 100 * 0.6);
  });

  it('is the instruction count when nothing was simulated', () => {
    expect(estimatedCycles({ total: 1000, steady: 900 })).toBe(1000);
  });
});
