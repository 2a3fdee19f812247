import type { CorsOptions as CorsPackageOptions } from 'cors';
import {
  cachedOrigins,
  createCorsPolicy,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import {
  APP_ORIGIN,
  ORIGIN_REGEXP,
  SHARED_OPTIONS,
  allowlistOf,
  type PolicyName,
} from '../workloads.js';

/**
 * The `cors` package's options for a policy (node:http, Express, and NestJS's `enableCors`):
 * an array of exact origins, or a RegExp for the pattern, which `cors` takes natively.
 */
export function corsPackageOptions(policy: PolicyName): CorsPackageOptions {
  return {
    origin: policy === 'pattern' ? ORIGIN_REGEXP : [...allowlistOf(policy)],
    credentials: SHARED_OPTIONS.credentials,
    exposedHeaders: [...SHARED_OPTIONS.exposedHeaders],
    methods: [...SHARED_OPTIONS.methods],
    maxAge: SHARED_OPTIONS.maxAge,
  };
}

/**
 * Our adapters' options for a policy: exact origins in a list, or the `*.` pattern string. For
 * `one-origin-cached`, the list's origin through `cachedOrigins` (warmed here, so requests hit
 * the cache); for `one-origin-reconfigured`, a policy from `createCorsPolicy`, reconfigured once
 * to the same options (every adapter takes options or a policy); for `one-origin-report-only`,
 * the same options in `mode: 'report-only'` with a no-op `onDecision`.
 */
export function ourOptions(policy: PolicyName): CorsOptions | ReconfigurableCorsPolicy {
  const options = {
    origin: [...allowlistOf(policy)],
    credentials: SHARED_OPTIONS.credentials,
    exposedHeaders: [...SHARED_OPTIONS.exposedHeaders],
    methods: [...SHARED_OPTIONS.methods],
    maxAge: SHARED_OPTIONS.maxAge,
  };
  if (policy === 'one-origin-cached') {
    const allowed = new Set(options.origin);
    const origin = cachedOrigins(async (requested) => allowed.has(requested), {
      ttl: 24 * 60 * 60_000,
      max: 10_000,
    });
    void origin(APP_ORIGIN);
    return { ...options, origin };
  }
  if (policy === 'one-origin-reconfigured') {
    const reconfigured = createCorsPolicy({ ...options, origin: [] });
    reconfigured.reconfigure(options);
    return reconfigured;
  }
  if (policy === 'one-origin-report-only') {
    // Issue 20: every request is also evaluated against the policy itself and reported.
    return { ...options, mode: 'report-only', onDecision: () => undefined };
  }
  return options;
}

/**
 * A predicate for incumbents that take an origin function (`@koa/cors`, and `hono/cors` for the
 * pattern): an `Array.prototype.includes` over the list, which is what `hono/cors` and `cors` do
 * with an array internally, or the RegExp for the pattern.
 */
export function originPredicate(policy: PolicyName): (origin: string) => boolean {
  if (policy === 'pattern') return (origin) => ORIGIN_REGEXP.test(origin);
  const list = allowlistOf(policy);
  return (origin) => list.includes(origin);
}
