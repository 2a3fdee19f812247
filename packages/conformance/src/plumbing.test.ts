// The test plumbing itself: the request probe and the raw-bytes sender.
import { describe, expect, it } from 'vitest';
import { sendRaw } from './raw-request.js';
import { RequestProbe } from './route-rows.js';
import { withServer } from './serve.js';

describe('RequestProbe', () => {
  const req = {};
  it.each<[string, [string, unknown][], string]>([
    [
      'one object for all',
      [
        ['origin', req],
        ['onDecision', req],
        ['route', req],
      ],
      'origin = onDecision = route',
    ],
    [
      'another object for the route',
      [
        ['onDecision', req],
        ['route', {}],
      ],
      'onDecision ≠ route',
    ],
    ['no object for a hook', [['onDecision', undefined]], 'onDecision (nothing)'],
    ['nothing recorded', [], ''],
  ])('describes %s', (_what, seen, described) => {
    const probe = new RequestProbe();
    probe.record('stale', {});
    probe.reset();
    for (const [who, request] of seen) probe.record(who, request);
    expect(probe.describe()).toBe(described);
  });
});

describe('sendRaw', () => {
  it('writes repeated header lines and the method as given, and decodes a chunked answer', async () => {
    const seen: unknown[] = [];
    const answer = await withServer(
      (req, res) => {
        seen.push(req.method, req.headersDistinct.origin);
        res.setHeader('Vary', ['Origin', 'Accept']);
        res.write('rou');
        res.end('te');
      },
      (url) =>
        sendRaw(url, {
          method: 'PATCH',
          headers: { Origin: ['https://a.example', 'https://b.example'] },
        }),
    );
    expect(seen).toEqual(['PATCH', ['https://a.example', 'https://b.example']]);
    expect(answer.status).toBe(200);
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(answer.headers.vary).toBe('Origin, Accept');
    expect(answer.body).toBe('route');
  });
});
