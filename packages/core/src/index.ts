export {
  classifyRequest,
  createDecisionReporter,
  explainPrivateNetwork,
  explainRefusal,
  refusePreflight,
} from './policy.js';
export { mergeCorsOptions } from './merge-options.js';
export { createCorsPolicy, isCorsPolicy, toCorsPolicy } from './reconfigurable-policy.js';
export type { ReconfigurableCorsPolicy, ReconfigureStep } from './reconfigurable-policy.js';
export { cachedOrigins } from './cached-origins.js';
export type { CachedOrigins, CachedOriginsOptions, OriginLookup } from './cached-origins.js';
export type { CorsPolicy, CorsRequest, UpgradeCheck } from './policy.js';
export { CorsConfigError } from './config-error.js';
export type { CorsConfigIssue } from './config-error.js';
export type { CorsOptions, OriginFunction, OriginOption } from './options.js';
export type { UpgradeRequest, UpgradeWithoutOrigin } from './upgrade.js';
export { REFUSED_UPGRADE_STATUS } from './upgrade.js';
export type {
  CorsDecision,
  CorsDecisionKind,
  CorsRequestKind,
  PrivateNetworkOutcome,
  RefusalReason,
} from './decision.js';
export {
  mergeVary,
  parseHeaderList,
  isToken,
  ORIGIN,
  VARY,
  ALLOW_ORIGIN,
  ALLOW_CREDENTIALS,
  ALLOW_METHODS,
  ALLOW_HEADERS,
  ALLOW_PRIVATE_NETWORK,
  EXPOSE_HEADERS,
  MAX_AGE,
  REQUEST_METHOD,
  REQUEST_HEADERS,
  REQUEST_PRIVATE_NETWORK,
} from './headers.js';
export { isPromiseLike } from './origin/matcher.js';
export { DEFAULT_ORIGIN_TIMEOUT, REFUSED_PREFLIGHT_STATUS } from './options.js';
export { keepVary } from './keep-vary.js';
export { HeadersCorsRequest } from './headers-request.js';
export type { VaryKeepingResponse } from './keep-vary.js';
