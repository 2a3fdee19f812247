// Exports on their way out of the public entry: @cors/nestjs still uses them until it moves to
// `createRefusingPolicy` and `NodeCorsRequest` (issue 19). Not documented; do not use.
import { debugLogger } from './compile.js';
import type { CorsDecision, RefusalReason } from './decision.js';
import * as names from './headers.js';
import { REFUSED_PREFLIGHT_STATUS, type CorsOptions } from './options.js';
import { createNotify } from './policy.js';

/** @deprecated @internal Use `createRefusingPolicy`. */
export function createDecisionReporter<Request = unknown>(
  options: Pick<CorsOptions<Request>, 'onDecision' | 'debug'>,
): (decision: CorsDecision, request: Request) => void {
  const notify = createNotify<Request>({
    onDecision: options.onDecision,
    debug: debugLogger(options.debug),
  });
  return notify ?? (() => undefined);
}

/** @deprecated @internal Use `createRefusingPolicy`. */
export function refusePreflight(reason: RefusalReason, detail: string): CorsDecision {
  return {
    kind: 'preflight',
    allowed: false,
    headers: {},
    vary: [names.ORIGIN, names.REQUEST_METHOD, names.REQUEST_HEADERS],
    action: 'respond',
    status: REFUSED_PREFLIGHT_STATUS,
    reason,
    detail,
  };
}
