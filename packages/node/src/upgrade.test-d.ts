import type { IncomingMessage } from 'node:http';
import type { Server as SocketIoServer } from 'socket.io';
import { describe, expectTypeOf, it } from 'vitest';
import type { ServerOptions as WsServerOptions } from 'ws';
import {
  corsAllowRequest,
  corsUpgrade,
  corsVerifyClient,
  createCorsPolicy,
  type UpgradeListener,
} from './index.js';

type SocketIoOptions = NonNullable<ConstructorParameters<typeof SocketIoServer>[1]>;

describe('upgrade helper types', () => {
  it("fits ws's verifyClient and socket.io's allowRequest", () => {
    expectTypeOf(corsVerifyClient()).toExtend<NonNullable<WsServerOptions['verifyClient']>>();
    expectTypeOf(corsAllowRequest()).toExtend<NonNullable<SocketIoOptions['allowRequest']>>();
  });

  it("returns a listener for server.on('upgrade')", () => {
    expectTypeOf(corsUpgrade({}, () => undefined)).toEqualTypeOf<UpgradeListener>();
  });

  it('takes a policy of Node requests, not one of another framework', () => {
    corsVerifyClient(createCorsPolicy({ origin: ['https://app.example.com'] }));
    corsVerifyClient(createCorsPolicy<IncomingMessage>());
    // @ts-expect-error an origin function typed for another request type
    corsVerifyClient(createCorsPolicy<{ tenant: string }>({ origin: (_o, r) => r.tenant === 'a' }));
  });
});
