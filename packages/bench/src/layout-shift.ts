/**
 * `--shift-layout`: each in-process worker starts with its memory laid out differently. A
 * process that runs the same code with the same arguments allocates and compiles in the same
 * order every time, so where its stack frames, objects and machine code fall relative to
 * cache lines, pages and each other is nearly the same in every generation. Such alignments can
 * move a run by a few percent on real CPUs, and a variant that happens to get a bad one keeps
 * it. Moving the stack, the heap and the code by random amounts turns that bias into noise that
 * generations average out. Opt-in: on NestJS on Express it changed nothing measurable
 * (BENCHMARKS.md, run 17).
 */

import { randomInt } from 'node:crypto';

/** Environment variable: `heapWords,regexps`, drawn by the parent for one worker. */
export const LAYOUT_SHIFT = 'CORS_BENCH_LAYOUT_SHIFT';
/** Environment variable of random length: the environment sits above the initial stack. */
export const LAYOUT_PAD = 'CORS_BENCH_LAYOUT_PAD';

/**
 * The environment variables that shift one worker (the parent adds them to its environment): a
 * stack shift of 0-4095 bytes, a heap shift of 0-4095 array elements and 0-63 compiled RegExps.
 */
export function layoutEnvironment(
  draw: (below: number) => number = randomInt,
): Record<string, string> {
  return {
    [LAYOUT_SHIFT]: `${draw(4096)},${draw(64)}`,
    [LAYOUT_PAD]: '.'.repeat(draw(4096)),
  };
}

// Kept for the life of the process, so that what was allocated stays where it moved things.
const retained: unknown[] = [];

/**
 * Moves this process's heap by a retained array of random length and its compiled code by
 * native RegExp code of a random number of expressions, compiled before anything else. Does
 * nothing when the parent did not ask (`LAYOUT_SHIFT` unset). Returns what was applied.
 */
export function shiftLayout(
  env: Readonly<Record<string, string | undefined>> = process.env,
): { heapWords: number; regexps: number } | undefined {
  const given = env[LAYOUT_SHIFT];
  if (given === undefined) return undefined;
  const [heapWords = 0, regexps = 0] = given.split(',').map(Number);
  retained.push(new Array<number>(heapWords).fill(0));
  for (let index = 0; index < regexps; index++) {
    const expression = new RegExp(`^(?:a{${index + 1}}|b)c$`);
    // V8 interprets a RegExp's first run and compiles it to machine code on the next.
    expression.test('ac');
    expression.test('bc');
    retained.push(expression);
  }
  return { heapWords, regexps };
}
