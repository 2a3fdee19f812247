import {
  UPGRADE_MESSAGE,
  tryWebSocket,
  upgradeRows,
  type UpgradeObservation,
  type UpgradeRow,
} from '@cors/conformance';
import { Controller, Get, type INestApplication, type ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import * as nestWebSocketConstants from '@nestjs/websockets/constants.js';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AllowOrigin,
  CorsConfigError,
  CorsModule,
  DisableCors,
  corsGatewayAdapter,
  createCorsPolicy,
  type CorsOptions,
} from '../index.js';
import { GATEWAY_METADATA, GATEWAY_OPTIONS, PORT_METADATA } from './gateway-policies.js';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const CorsWsAdapter = corsGatewayAdapter(WsAdapter);

// Nest's WsAdapter speaks JSON `{ event, data }`: the gateway answers `echo` with the same data.
const ECHO_REQUEST = JSON.stringify({ event: 'echo', data: UPGRADE_MESSAGE });
const ECHO_REPLY = JSON.stringify({ event: 'echo', data: UPGRADE_MESSAGE });
const switched: UpgradeObservation = { status: 101, echo: ECHO_REPLY };

/** A fresh gateway class on `path` that echoes, with `decorate` applied to it. */
function echoGateway(path: string, decorate?: ClassDecorator): new () => object {
  @WebSocketGateway({ path })
  class EchoGateway {
    @SubscribeMessage('echo')
    echo(_client: unknown, data: unknown): { event: string; data: unknown } {
      return { event: 'echo', data };
    }
  }
  decorate?.(EchoGateway);
  return EchoGateway;
}

function allowOrigin(options: CorsOptions): ClassDecorator {
  const { origin, ...rest } = options;
  return AllowOrigin(origin, rest);
}

@Controller()
class HelloController {
  @Get()
  hello(): string {
    return 'route';
  }
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  vi.restoreAllMocks();
});

/** Starts an app with the CORS WebSocket adapter; returns `host:port`. */
async function start(
  metadata: ModuleMetadata,
  platform: 'express' | 'fastify' = 'express',
): Promise<string> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  app.useWebSocketAdapter(new CorsWsAdapter(app));
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return `127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

const connect = (base: string, path: string, origin: string | undefined) =>
  tryWebSocket(`ws://${base}${path}`, origin, ECHO_REQUEST);

describe('corsGatewayAdapter(WsAdapter): @AllowOrigin() on a @WebSocketGateway()', () => {
  it.each(upgradeRows)('$name', async (row: UpgradeRow) => {
    const base = await start({ providers: [echoGateway('/ws', allowOrigin(row.options))] });
    const expected = row.expected.status === 101 ? switched : row.expected;
    expect(await connect(base, '/ws', row.origin)).toEqual(expected);
  });

  it.each(['express', 'fastify'] as const)(
    'works on platform-%s beside HTTP routes',
    async (platform) => {
      const base = await start(
        {
          imports: [CorsModule.forRoot({ origin: [APP] })],
          controllers: [HelloController],
          providers: [echoGateway('/ws')],
        },
        platform,
      );
      const response = await fetch(`http://${base}/`, { headers: { origin: APP } });
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(await connect(base, '/ws', APP)).toEqual(switched);
      expect(await connect(base, '/ws', EVIL)).toEqual({ status: 403 });
    },
  );

  it('gives each gateway its own policy', async () => {
    const base = await start({
      providers: [
        echoGateway('/app', AllowOrigin([APP])),
        echoGateway('/partner', AllowOrigin([EVIL])),
      ],
    });
    expect(await connect(base, '/app', APP)).toEqual(switched);
    expect(await connect(base, '/app', EVIL)).toEqual({ status: 403 });
    expect(await connect(base, '/partner', EVIL)).toEqual(switched);
    expect(await connect(base, '/partner', APP)).toEqual({ status: 403 });
  });

  it('merges the gateway over the module defaults, option by option', async () => {
    const base = await start({
      imports: [CorsModule.forRoot({ origin: [APP], upgradeWithoutOrigin: 'refuse' })],
      providers: [echoGateway('/ws', AllowOrigin([EVIL]))],
    });
    expect(await connect(base, '/ws', EVIL)).toEqual(switched);
    expect(await connect(base, '/ws', APP)).toEqual({ status: 403 });
    expect(await connect(base, '/ws', undefined)).toEqual({ status: 403 });
  });

  it('uses the module defaults for an undecorated gateway, and follows their reconfiguration', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const base = await start({
      imports: [CorsModule.forRoot(policy)],
      providers: [echoGateway('/ws')],
    });
    expect(await connect(base, '/ws', EVIL)).toEqual({ status: 403 });
    policy.reconfigure({ origin: [APP, EVIL] });
    expect(await connect(base, '/ws', EVIL)).toEqual(switched);
  });

  it('reaches a decorated gateway when the module policy is reconfigured', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const base = await start({
      imports: [CorsModule.forRoot(policy)],
      providers: [echoGateway('/ws', AllowOrigin([EVIL]))],
    });
    expect(await connect(base, '/ws', undefined)).toEqual(switched);
    policy.reconfigure({ origin: [APP], upgradeWithoutOrigin: 'refuse' });
    expect(await connect(base, '/ws', undefined)).toEqual({ status: 403 });
    // The gateway's own origin still wins over the module's.
    expect(await connect(base, '/ws', EVIL)).toEqual(switched);
  });

  it('keeps every policy when a module reconfiguration is invalid for a gateway', async () => {
    const policy = createCorsPolicy({ origin: [APP] });
    const base = await start({
      imports: [CorsModule.forRoot(policy)],
      // With the module's credentials, this gateway's '*' would be refused.
      providers: [echoGateway('/ws', AllowOrigin('*'))],
    });
    expect(() => policy.reconfigure({ origin: [APP], credentials: true })).toThrow(CorsConfigError);
    expect(policy.options).toEqual({ origin: [APP] });
    expect(await connect(base, '/ws', EVIL)).toEqual(switched);
  });

  it.each<[string, ModuleMetadata]>([
    ['an undecorated gateway without module defaults', { providers: [echoGateway('/ws')] }],
    [
      'an undecorated gateway whose module defaults name no origin',
      { imports: [CorsModule.forRoot({ maxAge: 60 })], providers: [echoGateway('/ws')] },
    ],
    [
      'a gateway with @DisableCors()',
      {
        imports: [CorsModule.forRoot({ origin: '*' })],
        providers: [echoGateway('/ws', DisableCors())],
      },
    ],
  ])('refuses every Origin for %s, and lets a client without one in', async (_name, metadata) => {
    const base = await start(metadata);
    expect(await connect(base, '/ws', APP)).toEqual({ status: 403 });
    expect(await connect(base, '/ws', undefined)).toEqual(switched);
  });

  it('answers 500 when the origin function fails', async () => {
    const base = await start({
      providers: [
        echoGateway(
          '/ws',
          AllowOrigin(() => Promise.reject(new Error('db down'))),
        ),
      ],
    });
    expect(await connect(base, '/ws', APP)).toEqual({ status: 500 });
  });

  it('reports handshakes to onDecision', async () => {
    const onDecision = vi.fn();
    const base = await start({
      providers: [echoGateway('/ws', AllowOrigin([APP], { onDecision }))],
    });
    await connect(base, '/ws', EVIL);
    expect(onDecision).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ kind: 'upgrade', allowed: false, reason: 'origin-not-allowed' }),
      expect.objectContaining({ url: '/ws' }),
    );
  });

  it.each<[string, ModuleMetadata, RegExp]>([
    [
      'gateways sharing a server with different policies',
      {
        providers: [
          echoGateway('/ws', AllowOrigin([APP])),
          echoGateway('/ws', AllowOrigin([EVIL])),
        ],
      },
      /share one WebSocket server/,
    ],
    [
      'a bad @AllowOrigin() on a gateway',
      { providers: [echoGateway('/ws', AllowOrigin('https://app.example.com/'))] },
      /EchoGateway: .*did you mean/s,
    ],
  ])('fails at start-up with CorsConfigError for %s', async (_name, metadata, message) => {
    const error: unknown = await start(metadata).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(CorsConfigError);
    expect(
      String((error as Error).message) + JSON.stringify((error as CorsConfigError).issues),
    ).toMatch(message);
  });

  it('accepts gateways that share a server with equal policies', async () => {
    const base = await start({
      providers: [echoGateway('/ws', AllowOrigin([APP])), echoGateway('/ws', AllowOrigin([APP]))],
    });
    expect(await connect(base, '/ws', APP)).toEqual(switched);
  });

  it("reads @nestjs/websockets' metadata keys", () => {
    expect([GATEWAY_METADATA, GATEWAY_OPTIONS, PORT_METADATA]).toEqual([
      nestWebSocketConstants.GATEWAY_METADATA,
      nestWebSocketConstants.GATEWAY_OPTIONS,
      nestWebSocketConstants.PORT_METADATA,
    ]);
  });
});
