import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';

const APP = 'https://app.example.com';
const OLD = 'https://old.example.com';

let baseUrl = '';
let close: () => void = () => undefined;
const logged: string[] = [];

beforeAll(async () => {
  const { app } = createApp({
    origins: [APP, OLD],
    candidateOrigins: [APP],
    log: (line) => logged.push(line),
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.closeAllConnections();
    server.close();
  };
});

afterAll(() => close());

const send = (method: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${baseUrl}/api/items`, { method, headers });

/** `cors_decisions_total` from the Prometheus text on /metrics, as `kind outcome reason` → value. */
async function scrape(): Promise<Record<string, number>> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const counts: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    const match =
      /^cors_decisions_total\{kind="([^"]*)",outcome="([^"]*)",reason="([^"]*)"\} (\d+)$/.exec(
        line,
      );
    if (match) counts[`${match[1]} ${match[2]} ${match[3]}`] = Number(match[4]);
  }
  return counts;
}

describe('the /metrics endpoint (prom-client)', () => {
  it('counts CORS requests by kind, outcome and reason, with the candidate list as would-*', async () => {
    expect((await send('GET', { origin: APP })).headers.get('access-control-allow-origin')).toBe(
      APP,
    );
    // Allowed today, refused by the candidate: answered as today, counted as would-refuse.
    expect((await send('GET', { origin: OLD })).headers.get('access-control-allow-origin')).toBe(
      OLD,
    );
    const preflight = await send('OPTIONS', {
      origin: OLD,
      'access-control-request-method': 'PUT',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(OLD);
    expect(
      (await send('GET', { origin: 'https://evil.example.net' })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
    await send('GET');

    expect(await scrape()).toEqual({
      'actual allowed none': 2,
      'actual would-refuse origin-not-allowed': 1,
      'preflight allowed none': 1,
      'preflight would-refuse origin-not-allowed': 1,
      'actual refused origin-not-allowed': 1,
      'not-cors refused none': 1,
    });
    expect(logged).toEqual([
      `cors: would refuse request (origin-not-allowed): origin "${OLD}" is not allowed; add it to the origin option (reported only, not enforced)`,
      `cors: would refuse preflight (origin-not-allowed): origin "${OLD}" is not allowed; add it to the origin option (reported only, not enforced)`,
      'cors: refused request: origin "https://evil.example.net" is not allowed; add it to the origin option',
    ]);
  });

  it('keeps its series bounded: 200 more distinct origins add to one count', async () => {
    const before = await scrape();
    for (let i = 0; i < 200; i++) await send('GET', { origin: `https://tenant-${i}.example.net` });
    const after = await scrape();
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after['actual refused origin-not-allowed']).toBe(
      (before['actual refused origin-not-allowed'] ?? 0) + 200,
    );
  });

  it('serves the same counts from corsMetrics() as JSON on /cors-metrics', async () => {
    const prometheus = await scrape();
    const snapshot = (await (await fetch(`${baseUrl}/cors-metrics`)).json()) as {
      kind: string;
      outcome: string;
      reason: string;
      count: number;
    }[];
    expect(
      Object.fromEntries(
        snapshot.map((entry) => [`${entry.kind} ${entry.outcome} ${entry.reason}`, entry.count]),
      ),
    ).toEqual(prometheus);
  });
});
