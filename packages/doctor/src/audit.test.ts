import { describe, expect, it } from 'vitest';
import { auditCors } from './index.js';
import type { FetchHandler } from './transport/fetch-handler.js';

const ORIGIN = 'https://app.example.com';
const ROUTE = '/hello';

/**
 * A hand-written server (a Fetch handler) for one misconfiguration at a time: it grants
 * `ORIGIN` on the route and answers preflights for it; `quirks` change one thing.
 */
function server(quirks: {
  vary?: boolean;
  errorReflects?: boolean;
  errorDropsGrant?: boolean;
  preflightRunsRoute?: boolean;
  maxAge?: string;
}): { fetch: FetchHandler } {
  return {
    fetch: (request) => {
      const url = new URL(request.url);
      const origin = request.headers.get('Origin');
      const allowed = origin === ORIGIN;
      const headers = new Headers();
      if (quirks.vary !== false) headers.set('Vary', 'Origin');
      const isPreflight =
        request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method');
      if (url.pathname !== ROUTE) {
        if (quirks.errorReflects && origin) headers.set('Access-Control-Allow-Origin', origin);
        else if (allowed && !quirks.errorDropsGrant)
          headers.set('Access-Control-Allow-Origin', origin);
        return new Response('Not Found', { status: 404, headers });
      }
      if (isPreflight) {
        if (!allowed) {
          return quirks.preflightRunsRoute
            ? new Response('hello from the route', { status: 200, headers })
            : new Response(null, { status: 403, headers });
        }
        headers.set('Access-Control-Allow-Origin', ORIGIN);
        headers.set('Access-Control-Allow-Methods', 'GET,PUT');
        if (quirks.maxAge !== undefined) headers.set('Access-Control-Max-Age', quirks.maxAge);
        return new Response(null, { status: 204, headers });
      }
      if (allowed) headers.set('Access-Control-Allow-Origin', ORIGIN);
      return new Response('hello from the route', { status: 200, headers });
    },
  };
}

const audit = (quirks: Parameters<typeof server>[0]) =>
  auditCors(server(quirks), { url: ROUTE, origin: ORIGIN });
const ids = async (quirks: Parameters<typeof server>[0]): Promise<string[]> =>
  (await audit(quirks)).findings.map((finding) => `${finding.severity} ${finding.id}`);

describe('audit findings', () => {
  it('finds nothing wrong with a careful server (only Max-Age notices)', async () => {
    expect(await ids({ maxAge: '600' })).toEqual([]);
  });

  it('reports a missing Vary: Origin when the grant depends on the origin', async () => {
    const report = await audit({ vary: false, maxAge: '600' });
    expect(report.findings.map((finding) => finding.id)).toEqual(['vary-origin-missing']);
    expect(report.findings[0]?.severity).toBe('medium');
    expect(report.ok).toBe(false);
  });

  it('reports error responses that grant any origin', async () => {
    expect(await ids({ errorReflects: true, maxAge: '600' })).toEqual([
      'high error-response-grants',
    ]);
  });

  it('reports error responses that lose the grant', async () => {
    expect(await ids({ errorDropsGrant: true, maxAge: '600' })).toEqual([
      'low error-response-drops-grant',
    ]);
  });

  it("reports a refused preflight answered with the route's own body", async () => {
    expect(await ids({ preflightRunsRoute: true, maxAge: '600' })).toEqual([
      'medium refused-preflight-reaches-route',
    ]);
  });

  it.each([
    [undefined, ['info max-age']],
    ['86400', ['info max-age']],
    ['ten minutes', ['low max-age']],
    ['7200', []],
  ] as const)('judges Access-Control-Max-Age %s', async (maxAge, expected) => {
    expect(await ids(maxAge === undefined ? {} : { maxAge })).toEqual(expected);
  });
});
