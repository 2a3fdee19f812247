import { describe, expect, it } from 'vitest';
import { LAYOUT_PAD, LAYOUT_SHIFT, layoutEnvironment, shiftLayout } from './layout-shift.js';

describe('layoutEnvironment', () => {
  it('draws a stack pad, a heap shift and a number of RegExps within their bounds', () => {
    const bounds: number[] = [];
    const env = layoutEnvironment((below) => {
      bounds.push(below);
      return below - 1;
    });
    expect(bounds).toEqual([4096, 64, 4096]);
    expect(env[LAYOUT_SHIFT]).toBe('4095,63');
    expect(env[LAYOUT_PAD]).toHaveLength(4095);
  });

  it('gives workers different layouts', () => {
    const pads = new Set(
      Array.from({ length: 20 }, () => (layoutEnvironment()[LAYOUT_PAD] as string).length),
    );
    expect(pads.size).toBeGreaterThan(1);
  });
});

describe('shiftLayout', () => {
  it('does nothing unless the parent asked', () => {
    expect(shiftLayout({})).toBeUndefined();
  });

  it('applies the shift the parent drew', () => {
    expect(shiftLayout({ [LAYOUT_SHIFT]: '100,3' })).toEqual({ heapWords: 100, regexps: 3 });
  });
});
