// A request written byte by byte on a socket: what `fetch` cannot send (a header line twice, a
// method in lower case, 8 KB header values), as a hostile client sends it.
import { connect } from 'node:net';
import { pickCorsHeaders, ROUTE_BODY } from './observe.js';
import type { Observation } from './rows.js';

/**
 * A request as written on the wire: the method as it stands on the request line, and headers
 * in order, a header given a list written as that many lines (`Origin: a` then `Origin: b`).
 */
export interface RawRequest {
  readonly method: string;
  readonly path?: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** What came back: status, headers (names lowercase, repeated lines joined with `, `), body. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Writes `request` on a new connection to `baseUrl` (HTTP/1.1, `Connection: close`) as raw
 * bytes, and reads the answer until the server closes. A chunked body is decoded.
 */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const lines = [`${request.method} ${request.path ?? '/'} HTTP/1.1`, `Host: ${hostname}`];
  for (const [name, value] of Object.entries(request.headers)) {
    for (const line of typeof value === 'string' ? [value] : value) lines.push(`${name}: ${line}`);
  }
  lines.push('Connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(lines.join('\r\n')));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => resolve(parseAnswer(received)));
    socket.on('error', reject);
  });
}

function parseAnswer(text: string): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function dechunk(chunked: string): string {
  let body = '';
  let at = 0;
  for (;;) {
    const end = chunked.indexOf('\r\n', at);
    const size = parseInt(chunked.slice(at, end), 16);
    if (!(size > 0)) return body;
    body += chunked.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
}

/** What a client observes in a raw answer from the conformance route (see `observe`). */
export function observeRaw(answer: RawAnswer): Observation {
  return {
    status: answer.status,
    routeRuns: answer.body === ROUTE_BODY,
    headers: pickCorsHeaders(answer.headers),
  };
}
