// Every conformance row through @cors/fetch's route driver, in-process on Node's global
// `Request` and `Response`. Over real HTTP they run in http.test.ts: a file of its own because
// serving replaces the global `Response` with node-server's.
import { describeConformance } from '@cors/conformance';
import { fetchDriver } from './test-handler.test-support.js';

describeConformance('a Fetch handler called in-process', fetchDriver('in-process'));
