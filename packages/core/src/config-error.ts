/** One problem found in a CORS configuration. */
export interface CorsConfigIssue {
  /** The option the problem is in, e.g. `origin` or `maxAge`. */
  readonly option: string;
  /** The offending value, as the user wrote it. */
  readonly value: unknown;
  /** What is wrong, naming the value. */
  readonly message: string;
  /** How to fix it, where we can tell (e.g. "did you mean https://app.example.com?"). */
  readonly hint?: string;
}

/**
 * Thrown by `createCorsPolicy` (and every adapter's factory) at start-up when the options are
 * invalid. It lists every problem at once in `issues`; the message has one line per issue.
 * It is never thrown while a request is evaluated.
 */
export class CorsConfigError extends Error {
  /** Every problem found, in option order. */
  readonly issues: readonly CorsConfigIssue[];

  constructor(issues: readonly CorsConfigIssue[]) {
    super(formatIssues(issues));
    this.name = 'CorsConfigError';
    this.issues = issues;
  }
}

function formatIssues(issues: readonly CorsConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map(
    (issue) => `  - ${issue.option}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`,
  );
  return `Invalid CORS configuration, ${count}:\n${lines.join('\n')}`;
}

/** Renders a configured value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  // Never `[object Object]` (and no throw for an object without a prototype).
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    return keys.length === 0
      ? 'an empty object'
      : `an object with ${keys.map((key) => JSON.stringify(key)).join(', ')}`;
  }
  return String(value);
}
