import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PolicyName } from '../workloads.js';

/**
 * The variants a framework builds; the A/A control is a second `bare`. `floor` (in-process, for
 * frameworks with `hasFloor`) is built like `ours`, with the floor module as the adapter.
 */
export type AppVariant = 'bare' | 'incumbent' | 'ours' | 'floor';

/** One configured app, ready to serve over HTTP or to be called in-process. */
export type BenchApp =
  | {
      /** A `node:http` request listener: node, Express, Koa (`app.callback()`) and NestJS (both platforms). */
      readonly kind: 'node';
      readonly listener: RequestListener;
      /** Starts listening on 127.0.0.1 on a free port. */
      listen(): Promise<Server>;
    }
  | {
      /** A Fetch handler (Hono's `app.fetch`), served over HTTP by `@hono/node-server`. */
      readonly kind: 'fetch';
      readonly fetch: (request: Request) => Response | Promise<Response>;
      listen(): Promise<Server>;
    };

/** A framework under test: how to build its bare app, its incumbent CORS and ours. */
export interface Framework {
  readonly name: FrameworkName;
  /** The incumbent CORS middleware, as the results name it. */
  readonly incumbent: string;
  /** The package holding our adapter (its built `dist` is what runs). */
  readonly adapter: string;
  /**
   * Whether `experiments/<adapter>-floor.js` exists: a module with the adapter's entry point
   * (`cors`, `withCors`, or NestJS's `CorsModule`) that sets the allowed GET's four headers with
   * no decision (the `floor` variant).
   */
  readonly hasFloor?: boolean;
  create(variant: AppVariant, policy: PolicyName): Promise<BenchApp>;
}

export type FrameworkName =
  | 'node'
  | 'express'
  | 'koa'
  | 'hono'
  | 'nestjs'
  | 'nestjs-fastify'
  | 'fastify'
  | 'fetch';

/** What every route answers, for every method: status 200 and this body. */
export const ROUTE_BODY = 'route';

/** Listens on an ephemeral loopback port. */
export function listenOnLoopback(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The port a listening server got. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** An app served by `http.createServer(listener)`. */
export function nodeApp(listener: RequestListener): BenchApp {
  return { kind: 'node', listener, listen: () => listenOnLoopback(createServer(listener)) };
}

/** The bare route of the plain `node:http` variants. */
export function answerRoute(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(ROUTE_BODY);
}

/**
 * Loads one of our adapters by package name (its built `dist`), or for the `floor` variant its
 * floor module, `experiments/<name without @cors/>-floor.js`. For the experiments behind the Findings of
 * BENCHMARKS.md, `CORS_BENCH_ADAPTERS='{"@cors/node":"/abs/patched.js"}'` loads a patched copy
 * instead; the variable reaches every server process.
 */
export async function importAdapter<Module>(
  name: string,
  load: () => Promise<Module>,
  variant: AppVariant = 'ours',
): Promise<Module> {
  const overrides = JSON.parse(process.env.CORS_BENCH_ADAPTERS ?? '{}') as Record<string, string>;
  const floor = `../../experiments/${name.replace('@cors/', '')}-floor.js`;
  const override =
    variant === 'floor' ? fileURLToPath(new URL(floor, import.meta.url)) : overrides[name];
  if (override === undefined) return load();
  return (await import(pathToFileURL(override).href)) as Module;
}
