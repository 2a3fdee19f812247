// keepVary, keepGrant and releaseGrant on Node's own http.ServerResponse: what the head says
// whoever writes it (the framework with a headers object, as Fastify does, or a route writing
// the response itself).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addVary, keepGrant, keepVary, releaseGrant } from './keep-vary.js';

const GRANT = { 'Access-Control-Allow-Origin': 'https://app.example.com' } as const;
const decision = { headers: GRANT, vary: Object.freeze(['Origin']) };

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

/** The head as Node serialized it: lowercase names, values joined as a client would. */
function head(res: ServerResponse): Record<string, string> {
  const text = (res as unknown as { _header: string | null })._header ?? '';
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'date' || name === 'connection' || name === 'transfer-encoding') continue;
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

describe('keepVary', () => {
  it('merges the names back into a Vary the route replaced on the response', () => {
    const res = response();
    addVary(res, decision.vary);
    res.setHeader('Vary', 'Accept-Language');
    res.writeHead(200);
    expect(head(res)).toEqual({ vary: 'Accept-Language, Origin' });
  });

  it('merges them into the Vary of a headers object, copying it rather than changing it', () => {
    const res = response();
    keepVary(res, decision.vary);
    const given = { vary: 'Accept-Language', 'content-type': 'text/plain' };
    res.writeHead(200, given);
    expect(head(res)).toEqual({ vary: 'Accept-Language, Origin', 'content-type': 'text/plain' });
    expect(given).toEqual({ vary: 'Accept-Language', 'content-type': 'text/plain' });
  });

  it('adds Vary to a headers object when neither it nor the response has one', () => {
    const res = response();
    keepVary(res, decision.vary);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    expect(head(res)).toEqual({ vary: 'Origin', 'content-type': 'text/plain' });
    // Nothing was set on the response itself: Node keeps the head it was given.
    expect(res.getHeader('Vary')).toBeUndefined();
  });

  it('merges into the response Vary when a headers object has none', () => {
    const res = response();
    res.setHeader('Vary', 'Accept-Encoding');
    keepVary(res, decision.vary);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    expect(head(res)).toEqual({ vary: 'Accept-Encoding, Origin', 'content-type': 'text/plain' });
  });

  it('merges into the last Vary of a flat header list', () => {
    const res = response();
    keepVary(res, decision.vary);
    res.writeHead(200, ['Vary', 'Accept-Language', 'Content-Type', 'text/plain']);
    expect(head(res)).toEqual({ vary: 'Accept-Language, Origin', 'content-type': 'text/plain' });
  });

  it('adds the names of a second call to those kept before', () => {
    const res = response();
    keepVary(res, ['Origin']);
    keepVary(res, ['Access-Control-Request-Method']);
    res.writeHead(200, { Vary: 'Accept-Language' });
    expect(head(res)).toEqual({
      vary: 'Accept-Language, Origin, Access-Control-Request-Method',
    });
  });

  it('keeps the names of a response whose prototype was replaced (as Express does)', () => {
    const res = response();
    Object.setPrototypeOf(res, Object.create(ServerResponse.prototype) as object);
    addVary(res, decision.vary);
    res.setHeader('Vary', 'Accept-Language');
    res.end();
    expect(head(res)).toMatchObject({ vary: 'Accept-Language, Origin' });
  });

  it('keeps the names when the prototype is replaced after the CORS layer ran', () => {
    const res = response();
    keepGrant(res, decision);
    Object.setPrototypeOf(res, Object.create(ServerResponse.prototype) as object);
    keepVary(res, ['Access-Control-Request-Method']);
    releaseGrant(res);
    res.writeHead(200, { Vary: 'Accept-Language' });
    expect(head(res)).toEqual({ vary: 'Accept-Language, Origin, Access-Control-Request-Method' });
  });

  it.each([
    ['Node', (res: ServerResponse) => res],
    [
      'replaced',
      (res: ServerResponse) =>
        Object.setPrototypeOf(res, Object.create(ServerResponse.prototype) as object) as object,
    ],
  ])(
    'still merges the names into the head written after one Node refused (%s prototype)',
    (_prototype, prepare) => {
      const res = response();
      prepare(res);
      addVary(res, decision.vary);
      res.setHeader('Vary', 'Accept-Language');
      // An invalid status: Node throws and writes no head; the error response comes next.
      expect(() => res.writeHead(1000)).toThrow(RangeError);
      res.setHeader('Vary', 'Accept-Encoding');
      res.writeHead(500);
      expect(head(res)).toEqual({ vary: 'Accept-Encoding, Origin' });
    },
  );

  it('keeps the names of replaced-prototype responses whose heads come in any order', () => {
    const prototype = Object.create(ServerResponse.prototype) as object;
    const [first, second, third] = [response(), response(), response()];
    for (const res of [first, second, third]) {
      Object.setPrototypeOf(res, prototype);
      addVary(res, decision.vary);
      res.setHeader('Vary', 'Accept-Language');
    }
    keepVary(first, ['Access-Control-Request-Method']);
    second.writeHead(200);
    first.writeHead(200);
    third.writeHead(200);
    expect(head(first)).toEqual({
      vary: 'Accept-Language, Origin, Access-Control-Request-Method',
    });
    expect(head(second)).toEqual({ vary: 'Accept-Language, Origin' });
    expect(head(third)).toEqual({ vary: 'Accept-Language, Origin' });
  });

  it('does nothing on a response whose head is already sent', () => {
    for (const vary of [undefined, 'Origin']) {
      const res = response();
      if (vary !== undefined) res.setHeader('Vary', vary);
      res.writeHead(200);
      expect(() => addVary(res, decision.vary)).not.toThrow();
      expect(head(res)).toEqual(vary === undefined ? {} : { vary });
    }
  });

  it('lets Node refuse a second head with its own error when the first went past the wrapper', () => {
    const res = response();
    addVary(res, decision.vary);
    res.setHeader('Vary', 'Accept-Language');
    // A head written without the wrapper (as by a writeHead saved before it was installed).
    (res as unknown as { _header: string })._header = 'HTTP/1.1 200 OK\r\n\r\n';
    expect(() => res.writeHead(200)).toThrow(
      expect.objectContaining({
        code: 'ERR_HTTP_HEADERS_SENT',
        message: expect.stringMatching(/write headers/) as unknown,
      }),
    );
  });

  it('leaves responses that keep nothing alone', () => {
    const res = response();
    res.writeHead(200, { Vary: 'Accept-Language' });
    expect(head(res)).toEqual({ vary: 'Accept-Language' });
  });
});

describe('keepGrant and releaseGrant', () => {
  it('puts the grant on a head written past the framework (a hijacked reply)', () => {
    const res = response();
    keepGrant(res, decision);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    expect(head(res)).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Origin',
      'content-type': 'text/plain',
    });
  });

  it('puts the grant on a head written from the response headers alone', () => {
    const res = response();
    keepGrant(res, decision);
    res.setHeader('Vary', 'Accept-Language');
    res.end('body');
    expect(head(res)).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Accept-Language, Origin',
    });
  });

  it('puts the grant into a flat header list that lacks it', () => {
    const res = response();
    keepGrant(res, decision);
    res.writeHead(200, ['Content-Type', 'text/plain']);
    expect(head(res)).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Origin',
      'content-type': 'text/plain',
    });
  });

  it('does not repeat a grant header the head already has, in any spelling', () => {
    const res = response();
    keepGrant(res, decision);
    res.writeHead(200, {
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Origin',
    });
    expect(head(res)).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Origin',
    });
  });

  it('after releaseGrant, keeps only Vary: a grant header removed on purpose stays removed', () => {
    const res = response();
    keepGrant(res, decision);
    releaseGrant(res);
    res.writeHead(200, { 'content-type': 'text/plain', vary: 'Accept-Language' });
    expect(head(res)).toEqual({ 'content-type': 'text/plain', vary: 'Accept-Language, Origin' });
  });

  it("adds no Vary for a '*' policy's decision, whose answers never vary", () => {
    const res = response();
    keepGrant(res, { headers: { 'Access-Control-Allow-Origin': '*' }, vary: Object.freeze([]) });
    res.writeHead(200, { 'content-type': 'text/plain' });
    expect(head(res)).toEqual({ 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
  });
});
