// Issue 14 point 1 and issue 18 point 3: withCors as one layer among several, as rows of
// @cors/conformance, over real HTTP (@hono/node-server).
//
// A Fetch handler has no response before it returns one, so the "earlier middleware" is a
// handler wrapped around `withCors(...)`: it sees every request first (preflights included) and
// puts its headers on whatever response comes back, as set before it: its `Vary` names first,
// the response's merged after them, and its other header.
//
// Rows that do not apply here:
// - `sets-vary`: the route's response cannot replace a Vary the earlier layer sets, because
//   that layer sets it afterwards, on the response the route returned (a handler's own Vary
//   keeping Origin is tested in index.test.ts and http.test.ts).
// - `rawWriteRows`: they write Node's `http.ServerResponse`; a Fetch handler returns a
//   `Response`, with no raw response to write.
import {
  ROUTE_BODY,
  compositionRows,
  sendCompositionRow,
  type CompositionDriver,
  type CompositionRow,
} from '@cors/conformance';
import { mergeVary } from '@cors/core';
import { describe, expect, it } from 'vitest';
import { withCors, type FetchHandler } from './index.js';
import { withErrorLog, withServer } from './test-handler.test-support.js';

/** The earlier layer: `handler`'s response with `before`'s headers as if set first. */
function earlier(before: CompositionRow['setup']['before'], handler: FetchHandler): FetchHandler {
  return async (request) => {
    const response = await handler(request);
    const headers = new Headers([['Vary', before.vary], [...before.header]]);
    for (const [name, value] of response.headers) {
      headers.set(
        name,
        name === 'vary'
          ? mergeVary(
              before.vary,
              value.split(',').map((v) => v.trim()),
            )
          : value,
      );
    }
    return new Response(response.body, { status: response.status, headers });
  };
}

const drive: CompositionDriver = async (row) => {
  const { setup } = row;
  const route = (): Response => {
    if (setup.route === 'throws') throw new Error('route failed');
    return new Response(ROUTE_BODY);
  };
  const app = earlier(setup.before, withCors(route, row.options));
  const [observed] = await withErrorLog(() =>
    withServer(app, (baseUrl) => sendCompositionRow(baseUrl, row)),
  );
  return observed;
};

describe('withCors among other layers, over HTTP', () => {
  const applicable = compositionRows.filter((row) => row.setup.route !== 'sets-vary');

  it('runs every composition row but the one that cannot apply', () => {
    expect(compositionRows.length - applicable.length).toBe(1);
  });

  it.each(applicable)('$name', async (row) => {
    expect(await drive(row)).toEqual(row.expected);
  });
});
