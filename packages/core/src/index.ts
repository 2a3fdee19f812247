// The public entry of @cors/core: what users and adapters import. Everything else in src/ is
// internal (see "Exports" in README.md for what is public and why).
export {
  classifyRequest,
  createRefusingPolicy,
  explainPrivateNetwork,
  explainRefusal,
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
  CorsContinueDecision,
  CorsDecision,
  CorsDecisionKind,
  CorsRequestKind,
  CorsRespondDecision,
  PrivateNetworkOutcome,
  RefusalReason,
  RouteRefusalReason,
} from './decision.js';
export { isToken, mergeVary } from './headers.js';
export { isPromiseLike } from './origin/matcher.js';
export { addVary, keepGrant, keepVary, releaseGrant } from './keep-vary.js';
export type { VaryKeepingResponse } from './keep-vary.js';
export { corsMetrics, corsMetricLabels, combineDecisionHooks } from './metrics.js';
export type {
  CorsMetricCount,
  CorsMetricLabels,
  CorsMetricOutcome,
  CorsMetrics,
} from './metrics.js';
export type { CorsReport, CorsReportOutcome } from './report-only.js';
export { HeadersCorsRequest, setCorsHeaders } from './headers-request.js';
export { NodeCorsRequest } from './node-request.js';
export type { NodeRequestHeaders } from './node-request.js';
