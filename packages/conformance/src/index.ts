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
export { configErrorRows } from './config-error-rows.js';
export type { ConfigErrorRow } from './config-error-rows.js';
export { expectConfigError } from './config-error-check.js';
export { ROUTE_BODY, observe, pickCorsHeaders, sendRow } from './observe.js';
export { MAX_BURST_HEAP_GROWTH, burstPolicy, burstRows, runBurst } from './burst.js';
export type { BurstResult } from './burst.js';

import { attackRows } from './attack-rows.js';
import { requestRows } from './rows.js';

/** Every request row: the SPEC's table and the hostile and look-alike rows. */
export const allRows = [...requestRows, ...attackRows];
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
