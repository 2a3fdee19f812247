import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { closeServer, listen } from './api-server.js';

/**
 * Debian's Chromium (`apt-get install chromium`). Test tools' own browser downloads do not
 * work on a closed network, so the system browser is used; `CHROMIUM_PATH` overrides it.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium still lets `Access-Control-Allow-Headers: *` cover `Authorization`, which the Fetch
 * Standard (and Firefox and Safari) do not. This feature makes it follow the standard, so the
 * `allowedHeaders: '*'` scenario fails if the policy forgets to name `authorization`. Playwright
 * passes its own `--enable-features=CDPScreenshotNewSurface` first, and the last flag wins, so
 * it is repeated here.
 */
const ENABLED_FEATURES = ['CDPScreenshotNewSurface', 'CorsNonWildcardRequestHeadersSupport'];

/**
 * Launches headless Chromium. Playwright adds `--headless`, `--no-sandbox` (needed as root),
 * `--no-first-run`, `--disable-background-networking`, `--disable-component-update` and a fresh
 * `--user-data-dir` from mkdtemp (deleted on close) itself; `launch()` refuses a
 * `--user-data-dir` of ours. The rest keep it quiet on a closed network.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--disable-sync',
      `--enable-features=${ENABLED_FEATURES.join(',')}`,
    ],
  });
}

/** Origin A: serves the blank page the scripts run in. */
export interface PageOrigin {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close: () => Promise<void>;
}

/** Serves origin A: an empty HTML page at every path. */
export async function servePageOrigin(): Promise<PageOrigin> {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>origin A</title>');
  });
  await listen(server);
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
