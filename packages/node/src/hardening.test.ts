import {
  MAX_BURST_HEAP_GROWTH,
  ROUTE_BODY,
  burstPolicy,
  runBurst,
  sendRow,
} from '@cors/conformance';
import express from 'express';
import express4 from 'express4';
import { request, type RequestListener } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cors, type CorsHandler } from './index.js';
import { withServer } from './test-server.js';

const EXAMPLE = 'https://example.com';
const EVIL = 'https://evil.example.net';
const policy = { origin: EXAMPLE, credentials: true };

const frameworks: readonly (readonly [string, (handler: CorsHandler) => RequestListener])[] = [
  [
    'plain node:http',
    (handler) => async (req, res) => {
      if (await handler(req, res)) return;
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

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends a request with two separate `Origin` header lines, which `fetch` cannot do. */
function sendTwoOrigins(
  url: string,
  method: string,
  origins: readonly string[],
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    outgoing.setHeader('Origin', [...origins]);
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Writes a raw HTTP/1.1 request and returns everything the server sent back. */
function sendRaw(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

function corsHeaderNames(headers: RawAnswer['headers']): string[] {
  return Object.keys(headers).filter(
    (name) => name.startsWith('access-control-') || name === 'vary',
  );
}

describe.each(frameworks)('hostile requests on %s', (_name, serve) => {
  it('refuses an actual request with two Origin header lines, even twice the allowed origin', async () => {
    await withServer(serve(cors(policy)), async (url) => {
      for (const origins of [
        [EXAMPLE, EXAMPLE],
        [EXAMPLE, EVIL],
        [EVIL, EXAMPLE],
      ]) {
        const answer = await sendTwoOrigins(url, 'GET', origins);
        expect(answer.status).toBe(200);
        expect(answer.body).toBe(ROUTE_BODY);
        expect(corsHeaderNames(answer.headers)).toEqual(['vary']);
        expect(answer.headers.vary).toBe('Origin');
      }
    });
  });

  it('refuses a preflight with two Origin header lines', async () => {
    await withServer(serve(cors(policy)), async (url) => {
      const answer = await sendTwoOrigins(url, 'OPTIONS', [EXAMPLE, EXAMPLE], {
        'access-control-request-method': 'PUT',
      });
      expect(answer.status).toBe(403);
      expect(answer.body).toBe('');
      expect(corsHeaderNames(answer.headers)).toEqual(['vary']);
    });
  });

  it('never lets a request method in odd casing reach the handler, and keeps serving', async () => {
    let handled = 0;
    const handler = cors(policy);
    const counting: CorsHandler = ((...args: Parameters<CorsHandler>) => {
      handled++;
      return handler(...args);
    }) as CorsHandler;
    await withServer(serve(counting), async (url) => {
      for (const method of ['options', 'Options', 'get', 'pAtCh']) {
        const raw = await sendRaw(
          url,
          `${method} / HTTP/1.1\r\nHost: x\r\nOrigin: ${EXAMPLE}\r\n` +
            'Access-Control-Request-Method: PUT\r\nConnection: close\r\n\r\n',
        );
        // Node's HTTP parser only accepts methods in upper case and answers 400 itself.
        expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
        expect(raw.toLowerCase()).not.toContain('access-control-');
      }
      expect(handled).toBe(0);
      const after = await sendRow(url, { method: 'GET', headers: { origin: EXAMPLE } });
      expect(after.headers['access-control-allow-origin']).toBe(EXAMPLE);
    });
  });

  it('answers a burst of 3,000 mixed requests as the table says, with no hang and no heap growth', async () => {
    const result = await withServer(serve(cors(burstPolicy)), (url) => runBurst(url));
    expect(result.mismatches).toEqual([]);
    expect(result.heapGrowth).toBeLessThan(MAX_BURST_HEAP_GROWTH);
  }, 60_000); // a hang guard for a loaded machine, not a speed assertion
});
