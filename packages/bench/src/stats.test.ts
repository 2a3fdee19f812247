import { describe, expect, it } from 'vitest';
import { generationMedians, medianInterval } from './stats.js';

describe('generationMedians', () => {
  const rows: {
    name: string;
    perRound: number[];
    roundsPerGeneration: number[];
    expected: number[];
  }[] = [
    {
      name: 'gives each generation the median of its own rounds, in order',
      perRound: [1, 2, 3, 10, 30, 20, 5],
      roundsPerGeneration: [3, 3, 1],
      expected: [2, 20, 5],
    },
    {
      name: 'takes the mean of the two middle rounds of an even generation',
      perRound: [4, 1, 3, 2, 9, 7],
      roundsPerGeneration: [4, 2],
      expected: [2.5, 8],
    },
    {
      name: 'skips a generation that measured no rounds',
      perRound: [1, 3],
      roundsPerGeneration: [0, 2, 0],
      expected: [2],
    },
    {
      name: 'splits nothing when the counts do not add up to the rounds',
      perRound: [1, 2, 3],
      roundsPerGeneration: [2, 2],
      expected: [],
    },
  ];
  for (const { name, perRound, roundsPerGeneration, expected } of rows) {
    it(name, () => {
      expect(generationMedians(perRound, roundsPerGeneration)).toEqual(expected);
    });
  }
});

describe('medianInterval', () => {
  it('spans every value with 7 or fewer, as the by-generation table says', () => {
    for (let count = 1; count <= 7; count++) {
      const values = Array.from({ length: count }, (_, index) => index + 1);
      expect(medianInterval(values)).toEqual([1, count]);
    }
  });

  it('narrows from 8 values on, leaving out the lowest and highest ranks', () => {
    expect(medianInterval([8, 1, 7, 2, 6, 3, 5, 4])).toEqual([2, 8]);
    expect(medianInterval(Array.from({ length: 12 }, (_, index) => index + 1))).toEqual([3, 11]);
  });
});
