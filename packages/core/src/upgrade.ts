import type { CompiledPolicy } from './compile.js';
import type { CorsDecision, RefusalReason } from './decision.js';
import { REFUSED_PREFLIGHT_STATUS } from './options.js';
import { isPromiseLike, matchOrigin } from './origin/matcher.js';
import { isRequestOrigin } from './origin/parse.js';

/**
 * The parts of a WebSocket (or other `Upgrade`) handshake that `checkUpgrade` reads. CORS does
 * not apply to these handshakes: browsers send `Origin` on every one (same-origin pages too) and
 * connect whatever the server answers, so the server must check the origin itself, before the
 * protocol switch.
 */
export interface UpgradeRequest<Request = unknown> {
  /** The handshake's `Origin` header; `undefined` or `null` when absent. */
  readonly origin?: string | null | undefined;
  /** The framework's request (Node's `IncomingMessage`, Hono's `Context`, …), handed to an `origin` function and `onDecision`. */
  readonly request?: Request;
}

/** What `checkUpgrade` says about a handshake without an `Origin` header (see `upgradeWithoutOrigin`). */
export type UpgradeWithoutOrigin = 'allow' | 'refuse';

/**
 * The status a refused handshake is answered with, before any protocol switch: the same 403 a
 * refused preflight gets.
 */
export const REFUSED_UPGRADE_STATUS = REFUSED_PREFLIGHT_STATUS;

/**
 * Builds the upgrade check of a compiled policy: the same origin matching as a CORS request
 * (exact origins, patterns, RegExps, async and `cachedOrigins` functions, `originTimeout`), with
 * its own rule for a handshake that has no `Origin`.
 */
export function createDecideUpgrade<Request>(
  policy: CompiledPolicy<Request>,
): (request: UpgradeRequest<Request>) => CorsDecision | Promise<CorsDecision> {
  const { origins, upgradeWithoutOrigin } = policy;
  // Nothing to send before the switch: a refused handshake is answered with a bare 403, and an
  // upgrade answer is never stored by a cache (101 cannot be, 403 is not by default), so no Vary.
  const allowed: CorsDecision = {
    kind: 'upgrade',
    allowed: true,
    headers: {},
    vary: [],
    action: 'continue',
  };
  const refuse = (reason: RefusalReason, detail: string): CorsDecision => ({
    kind: 'upgrade',
    allowed: false,
    headers: {},
    vary: [],
    action: 'respond',
    status: REFUSED_UPGRADE_STATUS,
    reason,
    detail,
  });
  const noOrigin =
    upgradeWithoutOrigin === 'refuse'
      ? refuse('origin-missing', 'no Origin header')
      : // Browsers send Origin on every WebSocket handshake (RFC 6455 §4.1, Fetch), so a
        // handshake without one is not from a page: the origin check protects nothing there.
        allowed;
  const originRefusal = (origin: string): CorsDecision =>
    origin !== 'null' && !isRequestOrigin(origin)
      ? refuse('origin-malformed', truncate(origin))
      : refuse('origin-not-allowed', origin);

  return ({ origin, request }) => {
    if (origin === undefined || origin === null) return noOrigin;
    // A `*` policy lets every origin read its responses, so every page may connect.
    if (origins.allowsAnyOrigin) return allowed;
    const matched = matchOrigin(origins, origin, request as Request);
    if (isPromiseLike<boolean>(matched)) {
      return matched.then((ok) => (ok ? allowed : originRefusal(origin)));
    }
    return matched ? allowed : originRefusal(origin);
  };
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
