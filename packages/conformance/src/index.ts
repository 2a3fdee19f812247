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
import { methodCaseRows } from './method-case-rows.js';
import { requestRows } from './rows.js';

/**
 * Every request row: the SPEC's table, the hostile and look-alike rows, the hardening rows
 * (issue 18) and the method-case rows (issue 20). A row whose expected status is 500 expects the framework's error response: its
 * `origin` function fails.
 */
export const allRows = [...requestRows, ...attackRows, ...hardeningRows, ...methodCaseRows];

/** Every configuration that must throw `CorsConfigError`: the SPEC's and issue 18's. */
export const configErrorRows = [...specConfigErrorRows, ...hardeningConfigErrorRows];
export {
  BEFORE_HEADER,
  BEFORE_VARY,
  ROUTE_VARY,
  compositionRows,
  observeComposition,
  rawWriteRows,
  sendCompositionRow,
  writeRawRoute,
} from './composition-rows.js';
export type {
  CompositionDriver,
  CompositionRoute,
  CompositionRow,
  CompositionSetup,
  RawResponse,
} from './composition-rows.js';
