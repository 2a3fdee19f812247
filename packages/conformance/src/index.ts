export { requestRows } from './rows.js';
export type { ConformanceRow, Observation, RowRequest } from './rows.js';
export { attackRows, hostilePolicy } from './attack-rows.js';
export {
  ORIGIN_FAILURE_MESSAGE,
  failingOrigins,
  originFailureRows,
  rejectingOrigin,
  throwingOrigin,
} from './origin-failure-rows.js';
export { specConfigErrorRows } from './config-error-rows.js';
export type { ConfigErrorRow } from './config-error-rows.js';
export { expectConfigError } from './config-error-check.js';
export { ROUTE_BODY, observe, pickCorsHeaders, sendRow } from './observe.js';
export { MAX_BURST_HEAP_GROWTH, burstPolicy, burstRows, runBurst } from './burst.js';
export type { BurstResult } from './burst.js';
export { reconfigurablePolicy, runReconfiguration } from './reconfiguration.js';
export { cachedOriginRows } from './cached-origin-rows.js';
export { UPGRADE_MESSAGE, tryWebSocket, upgradeRows } from './upgrade-rows.js';
export { methodCaseRows } from './method-case-rows.js';
export type { UpgradeObservation, UpgradeRow } from './upgrade-rows.js';

export {
  SHORT_ORIGIN_TIMEOUT,
  hardeningConfigErrorRows,
  hardeningRows,
  neverSettlingOrigin,
} from './hardening-rows.js';

import { attackRows } from './attack-rows.js';
import { specConfigErrorRows } from './config-error-rows.js';
import { hardeningConfigErrorRows, hardeningRows } from './hardening-rows.js';
import { reportConfigErrorRows } from './report-rows.js';
import { methodCaseRows } from './method-case-rows.js';
import { requestRows } from './rows.js';

/**
 * Every request row: the SPEC's table, the hostile and look-alike rows, the hardening rows
 * (issue 18) and the method-case rows (issue 20). A row whose expected status is 500 expects
 * the framework's error response: its `origin` function fails.
 */
export const allRows = [...requestRows, ...attackRows, ...hardeningRows, ...methodCaseRows];

/** Every configuration that must throw `CorsConfigError`: the SPEC's, issue 18's and issue 20's. */
export const configErrorRows = [
  ...specConfigErrorRows,
  ...hardeningConfigErrorRows,
  ...reportConfigErrorRows,
];
export {
  BEFORE_HEADER,
  BEFORE_VARY,
  ROUTE_VARY,
  compositionRows,
  rawWriteRows,
  writeRawRoute,
} from './composition-rows.js';
export type {
  CompositionRoute,
  CompositionRow,
  CompositionSetup,
  RawResponse,
} from './composition-rows.js';

// Test plumbing (issue 19 point 5): shared origins, serving, raw requests, route behaviours and
// the one driver shape every adapter's tests write.
export {
  ADMIN,
  APP,
  CREDENTIALED,
  CREDENTIALED_GRANT,
  CREDENTIALED_PREFLIGHT_GRANT,
  DEFAULT_METHODS,
  EVIL,
  PREFLIGHT_VARY,
  VARY_ORIGIN,
} from './constants.js';
export { inProcess, serveOverHttp, withServer } from './serve.js';
export { fetchAnswer } from './answer.js';
export type { Answer } from './answer.js';
export { silencingErrors, withErrorLog } from './error-log.js';
export type { ListeningApp, ServedApp } from './serve.js';
export { observeRaw, sendRaw } from './raw-request.js';
export type { RawAnswer, RawRequest } from './raw-request.js';
export { rawRequestRows } from './raw-request-rows.js';
export type { RawRequestRow } from './raw-request-rows.js';
export { RequestProbe, fromCompositionRow, routeRows } from './route-rows.js';
export type { RawRoute, RouteBehaviour, RouteObservation, RouteRow } from './route-rows.js';
export { describeConformance, observeRow, rowsFor, runRow } from './driver.js';
export type { RouteDriver } from './driver.js';
export { reportConfigErrorRows, reportRows, runReportRow } from './report-rows.js';
export type { ReportHooks, ReportRow, ReportSeen } from './report-rows.js';
