import type { CorsOptions } from './options.js';
import {
  createCorsPolicy as compileCorsPolicy,
  type CorsPolicy,
  type CorsRequest,
  type UpgradeCheck,
} from './policy.js';
import type { CorsDecision } from './decision.js';
import type { UpgradeRequest } from './upgrade.js';

// `Symbol.for`, so that a policy built by one copy of @cors/core (its ESM build, say) is
// recognized by an adapter that loaded another (its CommonJS build).
const CORS_POLICY: unique symbol = Symbol.for('@cors/core:policy') as never;

/**
 * One step of a reconfiguration, registered with `onReconfigure`: it receives the new options
 * after the policy has validated them and may throw (a `CorsConfigError`) to refuse them; it
 * returns the function that switches over, which must not throw.
 */
export type ReconfigureStep<Request = unknown> = (options: CorsOptions<Request>) => () => void;

/**
 * A policy built by `createCorsPolicy`: it decides requests (`evaluate`) and can be swapped
 * whole while the server runs (`reconfigure`). Every adapter's `cors()` accepts one in place of
 * options.
 */
export interface ReconfigurableCorsPolicy<Request = unknown>
  extends CorsPolicy<Request>,
    UpgradeCheck<Request> {
  /**
   * Validates `options` completely, then switches every later request to them at once. Throws
   * `CorsConfigError` and keeps the current options when anything is wrong. A request is decided
   * by the old options or the new ones, never a mix: one already in an async `origin` function
   * finishes with the options it started with.
   *
   * @example
   * const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
   * app.use(cors(policy));
   * // later, e.g. when the list changes:
   * policy.reconfigure({ origin: ['https://app.example.com', 'https://new.example.com'] });
   */
  reconfigure(options?: CorsOptions<Request>): void;
  /**
   * The names an error response varies on when `evaluate` fails (see `CorsPolicy.errorVary`).
   * After a reconfiguration it also keeps the earlier options' names, for requests of those
   * options that fail after the switch.
   */
  readonly errorVary: readonly string[];
  /** The options the policy was built or last reconfigured with, as given. */
  readonly options: CorsOptions<Request> | undefined;
  /**
   * Adds a step to every later `reconfigure`, for what is built from this policy's options
   * (the NestJS module compiles its route policies from them). Steps run in order after the
   * options are validated; if one throws, nothing switches. Returns a function that removes it.
   */
  onReconfigure(step: ReconfigureStep<Request>): () => void;
  /** @internal The brand adapters recognize a policy by (`isCorsPolicy`). */
  readonly [CORS_POLICY]: true;
}

/**
 * Validates `options` and compiles them into a policy. Throws `CorsConfigError`, listing every
 * problem, when the options are invalid. Pass the policy to an adapter's `cors()` to change it
 * later with `policy.reconfigure(options)`.
 *
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'], credentials: true });
 * const decision = policy.evaluate({ method: 'GET', origin: 'https://app.example.com' });
 * // decision.headers['Access-Control-Allow-Origin'] === 'https://app.example.com'
 */
export function createCorsPolicy<Request = unknown>(
  options?: CorsOptions<Request>,
): ReconfigurableCorsPolicy<Request> {
  return new Policy(compileCorsPolicy(options), options);
}

/**
 * Whether `value` is a policy built by `createCorsPolicy` (recognized by a brand, never by the
 * shape of the object, so options can never be mistaken for a policy). Adapters use it to
 * accept options or a policy.
 */
export function isCorsPolicy<Request = unknown>(
  value: unknown,
): value is ReconfigurableCorsPolicy<Request> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [CORS_POLICY]?: unknown })[CORS_POLICY] === true
  );
}

/**
 * Adapters take options or a policy: the policy as it is, options compiled into a new one.
 * Throws `CorsConfigError` for invalid options.
 */
export function toCorsPolicy<Request = unknown>(
  optionsOrPolicy?: CorsOptions<Request> | ReconfigurableCorsPolicy<Request>,
): ReconfigurableCorsPolicy<Request> {
  return isCorsPolicy<Request>(optionsOrPolicy)
    ? optionsOrPolicy
    : createCorsPolicy(optionsOrPolicy);
}

/**
 * The compiled decision function is an own property that `reconfigure` replaces. Adapters call
 * `policy.evaluate(...)` per request, so a request picks up one compiled policy when it starts
 * and keeps it to the end (its async continuation closes over that one). Until someone
 * reconfigures, `evaluate` is the compiled function itself: nothing is added per request.
 */
class Policy<Request> implements ReconfigurableCorsPolicy<Request> {
  evaluate: (request: CorsRequest<Request>) => CorsDecision | Promise<CorsDecision>;
  checkUpgrade: (request: UpgradeRequest<Request>) => CorsDecision | Promise<CorsDecision>;
  errorVary: readonly string[];
  options: CorsOptions<Request> | undefined;
  readonly [CORS_POLICY] = true as const;
  readonly #steps: ReconfigureStep<Request>[] = [];

  constructor(
    compiled: CorsPolicy<Request> & UpgradeCheck<Request>,
    options: CorsOptions<Request> | undefined,
  ) {
    this.evaluate = compiled.evaluate;
    this.checkUpgrade = compiled.checkUpgrade;
    this.errorVary = compiled.errorVary;
    this.options = options;
  }

  reconfigure(options?: CorsOptions<Request>): void {
    // Everything that can fail runs before anything switches.
    const compiled = compileCorsPolicy(options);
    const switches = this.#steps.map((step) => step(options ?? {}));
    // One synchronous block: no request can run between these assignments.
    this.evaluate = compiled.evaluate;
    this.checkUpgrade = compiled.checkUpgrade;
    // A request of the old options may still fail after the switch, and adapters read
    // `errorVary` when it does: keep the old names too, so its error response still varies on
    // what its answer depended on (an extra name only keeps a cache from sharing an error).
    this.errorVary = unionOfNames(this.errorVary, compiled.errorVary);
    this.options = options;
    for (const switchOver of switches) switchOver();
  }

  onReconfigure(step: ReconfigureStep<Request>): () => void {
    this.#steps.push(step);
    return () => {
      const index = this.#steps.indexOf(step);
      if (index !== -1) this.#steps.splice(index, 1);
    };
  }
}

/** `first`, then the names of `second` it lacks (header names compare case-insensitively). */
function unionOfNames(first: readonly string[], second: readonly string[]): readonly string[] {
  const known = new Set(first.map((name) => name.toLowerCase()));
  const added = second.filter((name) => !known.has(name.toLowerCase()));
  return added.length === 0 ? first : [...first, ...added];
}
