import 'reflect-metadata';
import { createNodeWebSocket } from '@hono/node-ws';
import { createAdaptorServer } from '@hono/node-server';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { CorsDecision, CorsOptions } from '@cors/core';
import { corsUpgrade as honoCorsUpgrade } from '@cors/hono';
import { cors as koaCors } from '@cors/koa';
import { AllowOrigin, corsGatewayAdapter } from '@cors/nestjs';
import { corsUpgrade, corsVerifyClient, createCorsPolicy } from '@cors/node';
import { Hono } from 'hono';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { closeServer, listen } from '../api-server.js';

/** The path every WebSocket server below listens on. */
export const SOCKET_PATH = '/socket';

/** A running WebSocket server on origin B, guarded by one adapter's helper. */
export interface SocketServer {
  /** `ws://localhost:<port>/socket` */
  readonly url: string;
  /** What the page sends once connected, and what the server answers to it. */
  readonly message: string;
  readonly reply: string;
  /** Every handshake decision, in order (through the policy's `onDecision`). */
  readonly decisions: () => readonly CorsDecision[];
  /** How many connections the server's handler opened. */
  readonly opened: () => number;
  readonly close: () => Promise<void>;
}

/** Starts a WebSocket server whose handshakes follow `options`. */
export type SocketServerFactory = (options: CorsOptions) => Promise<SocketServer>;

const TEXT = 'hello over the socket';

/** Options plus an `onDecision` that records every decision of kind `upgrade`. */
function recording(options: CorsOptions): { options: CorsOptions; decisions: CorsDecision[] } {
  const decisions: CorsDecision[] = [];
  return {
    decisions,
    options: {
      ...options,
      onDecision: (decision) => {
        if (decision.kind === 'upgrade') decisions.push(decision);
      },
    },
  };
}

/** An echo server for `ws`, counting the connections it opens. */
function echoServer(wss: WebSocketServer): () => number {
  let opened = 0;
  wss.on('connection', (socket) => {
    opened += 1;
    socket.on('message', (data) => socket.send(String(data)));
  });
  return () => opened;
}

async function finish(
  server: Server,
  wss: { clients: Set<{ terminate(): void }> },
  rest: Omit<SocketServer, 'url' | 'close' | 'message' | 'reply'> &
    Partial<Pick<SocketServer, 'message' | 'reply'>>,
  close: () => Promise<void> = () => closeServer(server),
): Promise<SocketServer> {
  if (!server.listening) await listen(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://localhost:${port}${SOCKET_PATH}`,
    message: TEXT,
    reply: TEXT,
    ...rest,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await close();
    },
  };
}

/** `node:http` + `ws` with `verifyClient: corsVerifyClient(options)`. */
export const startNodeVerifyClient: SocketServerFactory = async (options) => {
  const { options: recorded, decisions } = recording(options);
  const server = createServer();
  const wss = new WebSocketServer({
    server,
    path: SOCKET_PATH,
    verifyClient: corsVerifyClient(recorded),
  });
  return finish(server, wss, { decisions: () => decisions, opened: echoServer(wss) });
};

/** `node:http` + `ws` (`noServer`) behind `server.on('upgrade', corsUpgrade(options, …))`. */
export const startNodeUpgradeListener: SocketServerFactory = async (options) => {
  const { options: recorded, decisions } = recording(options);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const opened = echoServer(wss);
  server.on(
    'upgrade',
    corsUpgrade(recorded, (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
    ),
  );
  return finish(server, wss, { decisions: () => decisions, opened });
};

/** Koa with `cors(policy)`, and `corsUpgrade(policy)` on the server `app.listen()` returns. */
export const startKoaSocket: SocketServerFactory = async (options) => {
  const { options: recorded, decisions } = recording(options);
  const policy = createCorsPolicy(recorded);
  const app = new Koa();
  app.use(koaCors(policy));
  const server = createServer(app.callback());
  const wss = new WebSocketServer({ noServer: true });
  const opened = echoServer(wss);
  server.on(
    'upgrade',
    corsUpgrade(policy, (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request)),
    ),
  );
  return finish(server, wss, { decisions: () => decisions, opened });
};

/** Hono on Node: `@hono/node-ws`'s `upgradeWebSocket` behind `corsUpgrade(options)`. */
export const startHonoSocket: SocketServerFactory = async (options) => {
  const { options: recorded, decisions } = recording(options);
  const app = new Hono();
  const { injectWebSocket, upgradeWebSocket, wss } = createNodeWebSocket({ app });
  let opened = 0;
  app.get(
    SOCKET_PATH,
    honoCorsUpgrade(recorded),
    upgradeWebSocket(() => ({
      onOpen: () => void (opened += 1),
      onMessage: (event, ws) => ws.send(String(event.data)),
    })),
  );
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  injectWebSocket(server);
  return finish(server, wss, { decisions: () => decisions, opened: () => opened });
};

/** NestJS (Express) with `corsGatewayAdapter(WsAdapter)` and `@AllowOrigin()` on the gateway. */
export const startNestSocket: SocketServerFactory = async (options) => {
  const { options: recorded, decisions } = recording(options);
  const { origin, ...rest } = recorded;
  let opened = 0;

  @AllowOrigin(origin, rest)
  @WebSocketGateway({ path: SOCKET_PATH })
  class EchoGateway {
    handleConnection(): void {
      opened += 1;
    }

    @SubscribeMessage('echo')
    echo(_client: unknown, data: unknown): { event: string; data: unknown } {
      return { event: 'echo', data };
    }
  }

  @Module({ providers: [EchoGateway] })
  class SocketModule {}

  const app = await NestFactory.create(SocketModule, new ExpressAdapter(), { logger: false });
  const CorsWsAdapter = corsGatewayAdapter(WsAdapter);
  app.useWebSocketAdapter(new CorsWsAdapter(app));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const wire = JSON.stringify({ event: 'echo', data: TEXT });
  return finish(
    server,
    { clients: new Set() },
    { decisions: () => decisions, opened: () => opened, message: wire, reply: wire },
    () => app.close(),
  );
};
