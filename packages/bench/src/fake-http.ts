import { IncomingMessage, ServerResponse, type RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { BenchApp } from './frameworks/index.js';
import type { BenchRequest, Workload } from './workloads.js';

/**
 * A socket that accepts every write and discards it: the response still serializes its head
 * and body as on a real connection, with no syscall. One is shared by all requests, which run
 * one at a time; each response attaches to it and detaches when finished.
 */
class NullSocket extends Writable {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly encrypted = false;
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: () => void): void {
    callback();
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
}

const socket = new NullSocket() as unknown as Socket;

/** The outcome of one in-process request, for the pre-timing check. */
export interface Observed {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
}

/**
 * One request through a `node:http` listener (node, Express, Koa, NestJS): a real
 * `IncomingMessage` with the given headers and a real `ServerResponse` on the null socket.
 * Resolves when the response has finished writing.
 */
export function dispatchNode(
  listener: RequestListener,
  spec: BenchRequest,
): Promise<ServerResponse> {
  const req = new IncomingMessage(socket);
  req.method = spec.method;
  req.url = '/';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = { host: '127.0.0.1', ...spec.headers };
  req.complete = true;
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(socket);
  return new Promise((resolve) => {
    res.once('finish', () => {
      res.detachSocket(socket);
      resolve(res);
    });
    listener(req, res);
  });
}

/** A reusable Fetch `Request` for a workload (Hono never consumes a body-less request). */
export function fetchRequest(spec: BenchRequest): Request {
  return new Request('http://127.0.0.1/', { method: spec.method, headers: spec.headers });
}

export function observeNode(res: ServerResponse): Observed {
  // The head as written: Fastify passes its headers to `writeHead` instead of setting them on
  // the response, so `getHeaders()` would miss them. Node keeps the serialized head in `_header`.
  const head = (res as unknown as { _header?: string | null })._header;
  const headers: Record<string, string | undefined> = {};
  if (typeof head === 'string') {
    for (const line of head.split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    return { status: res.statusCode, headers };
  }
  for (const [name, value] of Object.entries(res.getHeaders())) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status: res.statusCode, headers };
}

export function observeFetch(response: Response): Observed {
  const headers: Record<string, string | undefined> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers };
}

/** One request of a workload through an app, and the same request observed for the check. */
export type Call = () => Promise<unknown>;

/** How the in-process benchmarks send a workload's request to an app (Node listener or fetch). */
export function requestCall(
  app: BenchApp,
  workload: Workload,
): { call: Call; observe: () => Promise<Observed> } {
  if (app.kind === 'fetch') {
    const request = fetchRequest(workload.request);
    const fetch = app.fetch;
    return {
      call: () => Promise.resolve(fetch(request)),
      observe: async () => observeFetch(await fetch(request)),
    };
  }
  const listener = app.listener;
  const spec = workload.request;
  return {
    call: () => dispatchNode(listener, spec),
    observe: async () => observeNode(await dispatchNode(listener, spec)),
  };
}
