// Every conformance row through @cors/hono's route driver, in-process with `app.request()`.
// Over real HTTP (@hono/node-server) they run in http.test.ts: a file of its own because
// serving replaces the global `Response` with node-server's.
import { describeConformance } from '@cors/conformance';
import { honoDriver } from './test-app.test-support.js';

describeConformance('app.request', honoDriver('in-process'));
