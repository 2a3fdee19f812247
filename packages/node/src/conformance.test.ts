import {
  ROUTE_BODY,
  allRows,
  configErrorRows,
  originFailureRows,
  sendRow,
  expectConfigError,
} from '@cors/conformance';
import express from 'express';
import express4 from 'express4';
import type { RequestListener } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CorsConfigError, cors, type CorsHandler, type CorsOptions } from './index.js';
import { withServer } from './test-server.js';
import { reportRows, runReportRow } from '@cors/conformance';

/** Each way of serving the conformance route (200, body `route`, every method) behind `cors()`. */
const frameworks: readonly (readonly [string, (handler: CorsHandler) => RequestListener])[] = [
  [
    'plain node:http',
    (handler) => async (req, res) => {
      try {
        if (await handler(req, res)) return;
      } catch {
        // The plain form's error handling is the caller's: here, an empty 500.
        res.statusCode = 500;
        res.end();
        return;
      }
      res.end(ROUTE_BODY);
    },
  ],
  [
    'Express 5',
    (handler) =>
      express()
        .use(handler)
        .use((_req, res) => void res.send(ROUTE_BODY)),
  ],
  [
    'Express 4',
    (handler) =>
      express4()
        .use(handler)
        .use((_req, res) => void res.send(ROUTE_BODY)),
  ],
];

describe.each(frameworks)('conformance rows over HTTP on %s', (_name, serve) => {
  it.each([...allRows, ...originFailureRows])('$name', async (row) => {
    const observed = await withServer(serve(cors(row.options)), (url) => sendRow(url, row.request));
    expect(observed).toEqual(row.expected);
  });

  it.each(configErrorRows)('refuses to start with $name', async (row) => {
    await expectConfigError(() => serve(cors(row.options as CorsOptions)), row, CorsConfigError);
  });
});

describe.each(frameworks)('report rows over HTTP on %s', (_name, serve) => {
  it.each(reportRows)('$name', async (row) => {
    const result = await runReportRow(row, (options) =>
      withServer(serve(cors(options)), (url) => sendRow(url, row.request)),
    );
    expect(result).toEqual(row.expected);
  });
});
