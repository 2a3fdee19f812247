import type { CorsOptions } from '@cors/core';
import WebSocket from 'ws';

// Issue 20: a WebSocket handshake is decided by the same policy as CORS requests
// (`policy.checkUpgrade`). Every adapter's WebSocket helper runs these rows with a real `ws`
// client against a real server that echoes each message.

/** The message the client sends once connected; the server echoes it. */
export const UPGRADE_MESSAGE = 'hello over the socket';

/** What a client sees: the handshake's status, and the echo when it was switched (101). */
export interface UpgradeObservation {
  /** 101 when the protocol switched; otherwise the status of the answer (403, 500). */
  readonly status: number;
  /** The server's echo of `UPGRADE_MESSAGE` (switched handshakes only). */
  readonly echo?: string;
}

/** One handshake: options of the policy, the `Origin` sent (none when undefined), what happens. */
export interface UpgradeRow {
  readonly name: string;
  readonly options: CorsOptions;
  readonly origin: string | undefined;
  readonly expected: UpgradeObservation;
}

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const SWITCHED: UpgradeObservation = { status: 101, echo: UPGRADE_MESSAGE };
const REFUSED: UpgradeObservation = { status: 403 };

/** Handshakes and what the policy makes of them. */
export const upgradeRows: readonly UpgradeRow[] = [
  {
    name: 'switches for an allowed origin',
    options: { origin: [APP] },
    origin: APP,
    expected: SWITCHED,
  },
  {
    name: 'refuses a refused origin with 403 before the switch',
    options: { origin: [APP] },
    origin: EVIL,
    expected: REFUSED,
  },
  {
    name: 'switches for an origin matched by a pattern',
    options: { origin: 'https://*.example.com' },
    origin: APP,
    expected: SWITCHED,
  },
  {
    name: 'refuses a look-alike of a pattern',
    options: { origin: 'https://*.example.com' },
    origin: 'https://app.example.com.evil.net',
    expected: REFUSED,
  },
  {
    name: "switches for any origin under '*'",
    options: { origin: '*' },
    origin: EVIL,
    expected: SWITCHED,
  },
  {
    name: "refuses 'null' unless listed",
    options: { origin: [APP] },
    origin: 'null',
    expected: REFUSED,
  },
  {
    name: 'refuses several origins in one header',
    options: { origin: [APP, EVIL] },
    origin: `${APP}, ${EVIL}`,
    expected: REFUSED,
  },
  {
    name: 'refuses an 8 KB origin',
    options: { origin: 'https://*.example.com' },
    origin: `https://${'a'.repeat(8000)}.example.com`,
    expected: REFUSED,
  },
  {
    name: 'switches for a handshake without Origin (a non-browser client) by default',
    options: { origin: [APP] },
    origin: undefined,
    expected: SWITCHED,
  },
  {
    name: "refuses a handshake without Origin with upgradeWithoutOrigin: 'refuse'",
    options: { origin: [APP], upgradeWithoutOrigin: 'refuse' },
    origin: undefined,
    expected: REFUSED,
  },
  {
    name: 'switches when an async origin function allows',
    options: { origin: async (origin) => origin === APP },
    origin: APP,
    expected: SWITCHED,
  },
  {
    name: 'refuses when an async origin function refuses',
    options: { origin: async (origin) => origin === APP },
    origin: EVIL,
    expected: REFUSED,
  },
];

/**
 * Opens a WebSocket to `url` with `origin` as its `Origin` header (none when undefined), sends
 * `message` once connected and waits for the first message back. Resolves with what happened; a
 * refused handshake resolves with its status.
 */
export function tryWebSocket(
  url: string,
  origin: string | undefined,
  message: string = UPGRADE_MESSAGE,
): Promise<UpgradeObservation> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: origin === undefined ? {} : { Origin: origin },
      maxPayload: 1024,
    });
    socket.once('unexpected-response', (request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      request.destroy();
    });
    socket.once('open', () => socket.send(message));
    socket.once('message', (data: WebSocket.RawData) => {
      const echo = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      socket.once('close', () => resolve({ status: 101, echo }));
      socket.close();
    });
    // After 'unexpected-response', destroying the request may report an error too: the promise
    // is settled by then, so that rejection changes nothing.
    socket.on('error', reject);
  });
}
