import {
  isPromiseLike,
  toCorsPolicy,
  type CorsDecision,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

// Browsers send `Origin` on every WebSocket handshake and connect whatever the server answers:
// CORS does not protect a WebSocket, so the server checks the origin before the protocol switch
// (RFC 6455 §10.2). These helpers ask the same policy as `cors()` does, through
// `policy.checkUpgrade`, and answer a refusal themselves.

/** Options or a policy from `createCorsPolicy`, as `cors()` takes them. */
export type UpgradePolicySource =
  | CorsOptions<IncomingMessage>
  | ReconfigurableCorsPolicy<IncomingMessage>;

/** Options of the upgrade helpers. */
export interface UpgradeHelperOptions {
  /**
   * Called when the `origin` function throws, rejects or outlives `originTimeout` during a
   * handshake, which is then refused (500 for `corsUpgrade` and `corsVerifyClient`; socket.io
   * answers 403 whatever the cause). There is no framework error handler on this path.
   * @default logs the error with `console.error`
   */
  readonly onError?: (error: unknown, request: IncomingMessage) => void;
}

/** What `ws` calls `verifyClient` with (`WebSocketServer` option), in its callback form. */
export interface VerifyClientInfo {
  readonly origin: string;
  readonly secure: boolean;
  readonly req: IncomingMessage;
}

/** The callback of `ws`'s asynchronous `verifyClient`: accept, or refuse with a status. */
export type VerifyClientCallback = (result: boolean, code?: number, message?: string) => void;

/** `ws`'s `verifyClient` in its callback form (two parameters, so `ws` waits for the callback). */
export type CorsVerifyClient = (info: VerifyClientInfo, callback: VerifyClientCallback) => void;

/** A listener for Node's `server.on('upgrade', …)`. */
export type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** socket.io's (engine.io's) `allowRequest` option. */
export type CorsAllowRequest = (
  request: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

/**
 * `ws`'s `verifyClient`: accepts a handshake whose `Origin` the policy allows and refuses any
 * other with 403 before the protocol switch (a handshake without `Origin` follows
 * `upgradeWithoutOrigin`). Takes the same options as `cors()`, or the same policy.
 *
 * @example
 * const policy = createCorsPolicy({ origin: ['https://app.example.com'] });
 * const wss = new WebSocketServer({ server, verifyClient: corsVerifyClient(policy) });
 */
export function corsVerifyClient(
  source?: UpgradePolicySource,
  options: UpgradeHelperOptions = {},
): CorsVerifyClient {
  const check = createUpgradeCheck(source, options);
  // Two declared parameters: `ws` reads `verifyClient.length` to choose the callback form.
  return (info, callback) => check(info.req, callback);
}

/**
 * Wraps a listener for `server.on('upgrade', …)`: a handshake the policy allows goes on to
 * `listener` (e.g. `wss.handleUpgrade`); a refused one is answered `HTTP/1.1 403 Forbidden` and
 * its socket closed, and `listener` never runs.
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true });
 * server.on('upgrade', corsUpgrade(policy, (req, socket, head) => {
 *   wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
 * }));
 */
export function corsUpgrade(
  source: UpgradePolicySource | undefined,
  listener: UpgradeListener,
  options: UpgradeHelperOptions = {},
): UpgradeListener {
  const check = createUpgradeCheck(source, options);
  return (request, socket, head) =>
    check(request, (allowed, status) =>
      allowed ? listener(request, socket, head) : refuseHandshake(socket, status as number),
    );
}

/**
 * socket.io's `allowRequest` (an engine.io option): the same check for the first request of a
 * connection, a WebSocket handshake or an HTTP long-polling one. socket.io answers a refusal
 * with 403. (A same-origin polling request carries no `Origin`, so it follows
 * `upgradeWithoutOrigin`, allowed by default.)
 *
 * @example
 * const io = new Server(server, { allowRequest: corsAllowRequest(policy) });
 */
export function corsAllowRequest(
  source?: UpgradePolicySource,
  options: UpgradeHelperOptions = {},
): CorsAllowRequest {
  const check = createUpgradeCheck(source, options);
  return (request, callback) =>
    // The message reaches the client (engine.io's 403 body): it names no origin.
    check(request, (allowed) => callback(allowed ? null : 'origin not allowed', allowed));
}

/**
 * The shared part: asks the policy about the handshake and answers `done` as `ws`'s
 * `verifyClient` callback is answered (`true`, or `false` and the status), at once when the
 * decision is synchronous. A failing `origin` function becomes a refusal with status 500.
 */
function createUpgradeCheck(
  source: UpgradePolicySource | undefined,
  { onError = reportError }: UpgradeHelperOptions,
): (request: IncomingMessage, done: VerifyClientCallback) => void {
  const policy = toCorsPolicy<IncomingMessage>(source);
  const failed = (error: unknown, request: IncomingMessage): CorsDecision => {
    onError(error, request);
    return {
      kind: 'upgrade',
      allowed: false,
      headers: {},
      vary: [],
      action: 'respond',
      status: 500,
    };
  };
  return (request, callback) => {
    const done = (decision: CorsDecision): void => {
      if (decision.action === 'continue') callback(true);
      else callback(false, decision.status);
    };
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      // Node joins a repeated Origin with ", "; the core refuses that as malformed.
      decision = policy.checkUpgrade({ origin: request.headers.origin, request });
    } catch (error) {
      done(failed(error, request));
      return;
    }
    if (isPromiseLike<CorsDecision>(decision)) {
      decision.then(done, (error: unknown) => done(failed(error, request)));
    } else {
      done(decision);
    }
  };
}

/** Answers a refused handshake before any protocol switch, then closes the connection. */
function refuseHandshake(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

function reportError(error: unknown): void {
  console.error('cors: the origin function failed during an upgrade handshake; refused it', error);
}
