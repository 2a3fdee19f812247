// The frameworks' default error handlers log the failing rows' errors to `console.error`.
import { vi } from 'vitest';
import type { ServedApp } from './serve.js';

/** `served`, with `console.error` silenced until it is closed. */
export function silencingErrors(served: ServedApp): ServedApp {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  return {
    ...served,
    close: async () => {
      logged.mockRestore();
      await served.close();
    },
  };
}

/**
 * Runs `use` with `console.error` silenced; returns what `use` returned and the first argument
 * of each `console.error` call (the error a default error handler logged).
 */
export async function withErrorLog<T>(use: () => Promise<T>): Promise<[T, unknown[]]> {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const result = await use();
    return [result, logged.mock.calls.map(([error]) => error as unknown)];
  } finally {
    logged.mockRestore();
  }
}
