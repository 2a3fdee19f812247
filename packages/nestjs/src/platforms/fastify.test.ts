import { createCorsPolicy } from '@cors/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createCorsHook } from '../cors.hook.js';
import {
  createFastifyPlatform,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from './fastify.js';

const APP = 'https://app.example.com';

describe('synchronous decisions on Fastify', () => {
  // Every route has the module policy: the hook needs no route Fastify matched.
  const table = { routes: [], fallback: createCorsPolicy({ origin: APP }), versioning: undefined };
  const headers = { origin: APP };

  it('calls a Fastify done() in the same tick', () => {
    const set: Record<string, unknown> = {};
    const setOnRaw: Record<string, unknown> = {};
    const reply = {
      raw: {
        setHeader: (name: string, value: unknown) => (setOnRaw[name] = value),
        getHeader: (name: string) => setOnRaw[name],
      },
      header: (name: string, value: unknown) => (set[name] = value),
      getHeader: (name: string) => set[name],
    };
    let done = false;
    const hook = createCorsHook(createFastifyPlatform(new FastifyAdapter()), table, {});
    const raw = { method: 'GET', url: '/hello', headers } as IncomingMessage;
    hook(
      { raw, headers } as FastifyRequestLike,
      reply as unknown as FastifyReplyLike,
      () => (done = true),
    );
    expect(done).toBe(true);
    expect(set).toEqual({ 'Access-Control-Allow-Origin': APP });
    // Vary goes on the Node response only, where `app.use()` middleware sets theirs (issue 14);
    // the grant is kept for its head (keepGrant), not set on it.
    expect(setOnRaw).toEqual({ Vary: 'Origin' });
  });
});
