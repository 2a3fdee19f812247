import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { describe, expectTypeOf, it } from 'vitest';
import { corsGatewayAdapter } from '../index.js';

describe('corsGatewayAdapter types', () => {
  it('returns a class of the same type as the adapter it extends', () => {
    const CorsWsAdapter = corsGatewayAdapter(WsAdapter);
    expectTypeOf(CorsWsAdapter).toEqualTypeOf<typeof WsAdapter>();
    expectTypeOf(new CorsWsAdapter()).toExtend<WsAdapter>();
    expectTypeOf(corsGatewayAdapter(IoAdapter)).toEqualTypeOf<typeof IoAdapter>();
  });

  it('refuses a class that is not a WebSocket adapter', () => {
    // @ts-expect-error no create(port, options) method
    corsGatewayAdapter(class {});
  });
});
