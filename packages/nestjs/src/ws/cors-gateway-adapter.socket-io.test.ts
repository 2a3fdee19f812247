import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AddressInfo } from 'node:net';
import { io as connectSocketIo } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AllowOrigin, CorsModule, corsGatewayAdapter } from '../index.js';

// The same mixin on @nestjs/platform-socket.io: engine.io's allowRequest checks the first
// request of each connection (a WebSocket handshake or a long-polling one).

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

const CorsIoAdapter = corsGatewayAdapter(IoAdapter);

function sayGateway(decorate?: ClassDecorator, namespace?: string): new () => object {
  @WebSocketGateway(namespace === undefined ? {} : { namespace })
  class SayGateway {
    @SubscribeMessage('say')
    say(_client: unknown, text: unknown): unknown {
      return text;
    }
  }
  decorate?.(SayGateway);
  return SayGateway;
}

const apps: INestApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(metadata: ModuleMetadata): Promise<string> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(new ExpressAdapter(), { logger: false });
  app.useWebSocketAdapter(new CorsIoAdapter(app));
  apps.push(app);
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

async function say(
  url: string,
  origin: string | undefined,
  transport: 'websocket' | 'polling',
): Promise<string> {
  const client = connectSocketIo(url, {
    transports: [transport],
    extraHeaders: origin === undefined ? {} : { origin },
    reconnection: false,
  });
  try {
    return await new Promise<string>((resolve) => {
      client.on('connect_error', (error) => resolve(`refused: ${error.message}`));
      client.on('connect', () => client.emit('say', 'hi', (reply: string) => resolve(reply)));
    });
  } finally {
    client.close();
  }
}

describe('corsGatewayAdapter(IoAdapter): @AllowOrigin() on a socket.io gateway', () => {
  it.each<['websocket' | 'polling', string | undefined, string]>([
    ['websocket', APP, 'hi'],
    ['websocket', EVIL, 'refused: websocket error'],
    ['websocket', undefined, 'hi'],
    ['polling', APP, 'hi'],
    ['polling', EVIL, 'refused: xhr poll error'],
  ])('over %s from %s: %s', async (transport, origin, expected) => {
    const url = await start({ providers: [sayGateway(AllowOrigin([APP]))] });
    expect(await say(url, origin, transport)).toBe(expected);
  });

  it('uses the module defaults for an undecorated gateway', async () => {
    const url = await start({
      imports: [CorsModule.forRoot({ origin: [EVIL] })],
      providers: [sayGateway()],
    });
    expect(await say(url, EVIL, 'websocket')).toBe('hi');
    expect(await say(url, APP, 'websocket')).toBe('refused: websocket error');
  });
});
