import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  BODY_PREVIEW_BYTES,
  TransportError,
  type ReceivedResponse,
  type SentRequest,
  type Transport,
  type TransportErrorCode,
} from '../engine/http-types.js';

/** Chromium refuses response header blocks larger than this (net::ERR_RESPONSE_HEADERS_TOO_BIG). */
export const MAX_RESPONSE_HEADER_BYTES = 256 * 1024;

/**
 * Sends requests over the network with `node:http`/`node:https`: no connection reuse, no
 * redirect following, at most 256 KiB of headers, and the whole exchange bounded by the timeout.
 */
export const nodeHttpTransport: Transport = (sent: SentRequest, timeoutMs: number) =>
  new Promise<ReceivedResponse>((resolve, reject) => {
    const url = new URL(sent.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = {};
    for (const [name, value] of sent.headers) headers[name] = value;
    if (sent.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(sent.body));
    let settled = false;
    const fail = (code: TransportErrorCode, message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(new TransportError(code, message));
    };
    const request = send(url, {
      method: sent.method,
      headers,
      agent: false,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
    });
    const timer = setTimeout(() => fail('timeout', `no answer within ${timeoutMs}ms`), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => fail(...classify(error)));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        response.destroy();
        request.destroy();
        const raw = response.rawHeaders;
        const pairs: Array<[string, string]> = [];
        for (let index = 0; index + 1 < raw.length; index += 2) {
          pairs.push([raw[index] ?? '', raw[index + 1] ?? '']);
        }
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: pairs,
          bodyPreview: Buffer.concat(chunks).subarray(0, BODY_PREVIEW_BYTES).toString('utf8'),
          bodyBytes: bytes,
        });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes >= BODY_PREVIEW_BYTES) done();
      });
      response.on('end', done);
      // A body cut short after the headers still leaves the headers to judge.
      response.on('error', done);
      response.on('close', done);
    });
    request.end(sent.body);
  });

function classify(error: NodeJS.ErrnoException): [TransportErrorCode, string] {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED')
    return ['connection-refused', `connection refused (${error.message})`];
  if (code === 'ECONNRESET' || error.message === 'socket hang up') {
    return ['connection-closed', 'the server closed the connection without an answer'];
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [
      'headers-too-large',
      `the response headers are larger than ${MAX_RESPONSE_HEADER_BYTES / 1024} KiB`,
    ];
  }
  if (code.startsWith('HPE_'))
    return ['invalid-response', `not a valid HTTP response (${error.message})`];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return ['other', `host not found (${error.message})`];
  return ['other', error.message];
}
