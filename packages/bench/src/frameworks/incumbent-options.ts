import type { CorsOptions as CorsPackageOptions } from 'cors';
import { ORIGIN_REGEXP, SHARED_OPTIONS, allowlistOf, type PolicyName } from '../workloads.js';

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

/** Our adapters' options for a policy: exact origins in a list, or the `*.` pattern string. */
export function ourOptions(policy: PolicyName): {
  origin: string[];
  credentials: boolean;
  exposedHeaders: string[];
  methods: string[];
  maxAge: number;
} {
  return {
    origin: [...allowlistOf(policy)],
    credentials: SHARED_OPTIONS.credentials,
    exposedHeaders: [...SHARED_OPTIONS.exposedHeaders],
    methods: [...SHARED_OPTIONS.methods],
    maxAge: SHARED_OPTIONS.maxAge,
  };
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
