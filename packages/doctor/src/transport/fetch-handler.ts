import {
  BODY_PREVIEW_BYTES,
  TransportError,
  type ReceivedResponse,
  type SentRequest,
  type Transport,
} from '../engine/http-types.js';

/** A Fetch-API request handler: Hono's `app.fetch`, a Worker's `fetch`, a Next.js route… */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Calls a Fetch handler in-process, with no port: each request becomes a `Request`, each
 * answer is read like a network response. Runtime-neutral.
 */
export function fetchHandlerTransport(handler: FetchHandler): Transport {
  return async (sent: SentRequest, timeoutMs: number): Promise<ReceivedResponse> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const request = new Request(sent.url, {
        method: sent.method,
        headers: sent.headers.map(([name, value]): [string, string] => [name, value]),
        signal: controller.signal,
        ...(sent.body === undefined || sent.method === 'GET' || sent.method === 'HEAD'
          ? {}
          : { body: sent.body }),
      });
      let response: Response;
      try {
        response = await withAbort(Promise.resolve(handler(request)), controller.signal, timeoutMs);
      } catch (error) {
        if (error instanceof TransportError) throw error;
        throw new TransportError(
          'handler-threw',
          error instanceof Error ? error.message : String(error),
        );
      }
      if (!(response instanceof Response)) {
        throw new TransportError('invalid-response', 'the handler did not return a Response');
      }
      const headers: Array<[string, string]> = [];
      response.headers.forEach((value, name) => headers.push([name, value]));
      const { preview, bytes } = await readPreview(response, controller.signal, timeoutMs);
      return {
        status: response.status,
        statusText: response.statusText,
        headers,
        bodyPreview: preview,
        bodyBytes: bytes,
      };
    } finally {
      clearTimeout(timer);
    }
  };
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new TransportError('timeout', `the handler did not answer within ${timeoutMs}ms`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function readPreview(
  response: Response,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ preview: string; bytes: number }> {
  if (response.body === null) return { preview: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < BODY_PREVIEW_BYTES) {
      const { done, value } = await withAbort(reader.read(), signal, timeoutMs);
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
    }
  } catch {
    // A body that stalls or breaks after the headers: the headers decide CORS, keep what came.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const joined = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { preview: new TextDecoder().decode(joined.subarray(0, BODY_PREVIEW_BYTES)), bytes };
}
