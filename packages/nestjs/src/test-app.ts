// Test support (not part of the build): starts a Nest app on either platform, over real HTTP.
import { pickCorsHeaders } from '@cors/conformance';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The HTTP platforms every test runs on. */
export const platforms = ['express', 'fastify'] as const;
export type Platform = (typeof platforms)[number];

/** A listening app: its base URL, and `close()` for `afterAll`/`finally`. */
export interface TestServer {
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/**
 * Compiles `metadata` into a testing module and listens on 127.0.0.1, port 0. `configure` runs
 * before the app initializes (global prefix, versioning, …). If start-up fails, the app is
 * closed and the error rethrown.
 */
export async function startServer(
  platform: Platform,
  metadata: ModuleMetadata,
  configure?: (app: INestApplication) => void,
): Promise<TestServer> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = moduleRef.createNestApplication(adapter, { logger: false });
  configure?.(app);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
}

/** The error a start-up throws or rejects with (`undefined` if it starts; it is closed then). */
export async function startupError(start: () => Promise<TestServer>): Promise<unknown> {
  try {
    const server = await start();
    await server.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** What a test reads from a response: status, body, and every access-control-* and vary header. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Sends a request with `fetch` (header names lowercase). */
export async function send(
  server: TestServer,
  method: string,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  const response = await fetch(new URL(path, server.url), { method, headers });
  return {
    status: response.status,
    body: await response.text(),
    headers: pickCorsHeaders(response.headers),
  };
}

/** Sends a preflight for `requestMethod` on `path` from `origin`. */
export function preflight(
  server: TestServer,
  path: string,
  origin: string,
  requestMethod: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Answer> {
  return send(server, 'OPTIONS', path, {
    origin,
    'access-control-request-method': requestMethod,
    ...headers,
  });
}

/**
 * Sends a request with `node:http`, for what `fetch` cannot send: a `Host` header, or a header
 * given several times (an array value is sent as separate header lines).
 */
export function sendRaw(
  server: TestServer,
  method: string,
  path: string,
  headers: Readonly<Record<string, string | readonly string[]>>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, server.url), { method });
    for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          headers: pickCorsHeaders(response.headers),
        }),
      );
    });
    request.end();
  });
}
