import { describe, expect, it } from 'vitest';
import { checkCors } from './index.js';

const ORIGIN = 'https://app.example.com';

describe('redirects of the actual request', () => {
  it('follows a same-origin redirect that passes the CORS check', async () => {
    const result = await checkCors(
      {
        fetch: (request) => {
          const headers = { 'Access-Control-Allow-Origin': ORIGIN };
          return new URL(request.url).pathname === '/old'
            ? new Response(null, { status: 302, headers: { ...headers, Location: '/new' } })
            : new Response('new', { headers });
        },
      },
      { url: '/old', origin: ORIGIN },
    );
    expect(result.outcome).toBe('readable');
    expect(result.steps.map((step) => step.sent.url)).toEqual([
      'http://localhost/old',
      'http://localhost/new',
    ]);
  });

  it('withholds a redirect without a grant', async () => {
    const result = await checkCors(
      { fetch: () => new Response(null, { status: 301, headers: { Location: '/elsewhere' } }) },
      { url: '/old', origin: ORIGIN },
    );
    expect(result.outcome).toBe('withheld');
    expect(result.steps).toHaveLength(1);
  });

  it('sends Origin: null after a cross-origin redirect, so an exact grant fails', async () => {
    const result = await checkCors(
      {
        fetch: (request) =>
          new URL(request.url).host === 'localhost'
            ? new Response(null, {
                status: 307,
                headers: { 'Access-Control-Allow-Origin': ORIGIN, Location: 'http://cdn.test/x' },
              })
            : new Response('x', { headers: { 'Access-Control-Allow-Origin': ORIGIN } }),
      },
      { url: '/x', origin: ORIGIN },
    );
    expect(result.steps.at(-1)?.sent.headers).toContainEqual(['Origin', 'null']);
    expect(result.outcome).toBe('withheld');
    expect(result.notes.join()).toContain('Origin: null');
  });

  it('turns a POST into a GET on a 303 and drops its body headers', async () => {
    const result = await checkCors(
      {
        fetch: (request) =>
          request.method === 'POST'
            ? new Response(null, {
                status: 303,
                headers: { 'Access-Control-Allow-Origin': '*', Location: '/done' },
              })
            : new Response('done', { headers: { 'Access-Control-Allow-Origin': '*' } }),
      },
      {
        url: '/form',
        origin: ORIGIN,
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'a=1',
      },
    );
    expect(result.outcome).toBe('readable');
    const last = result.steps.at(-1);
    expect(last?.sent.method).toBe('GET');
    expect(last?.sent.headers.some(([name]) => name === 'Content-Type')).toBe(false);
  });

  it('fails a redirected preflight', async () => {
    const result = await checkCors(
      {
        fetch: () =>
          new Response(null, {
            status: 308,
            headers: { 'Access-Control-Allow-Origin': '*', Location: '/y' },
          }),
      },
      { url: '/x', origin: ORIGIN, method: 'PUT' },
    );
    expect(result.outcome).toBe('blocked-at-preflight');
    expect(result.steps[0]?.rule).toBe('redirect-preflight');
  });
});
