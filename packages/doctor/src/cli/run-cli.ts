import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CorsConfigError } from '@cors/core';
import { auditCors, checkCors } from '../check-cors.js';
import { BrowserRequestError } from '../engine/browser-request.js';
import { DEFAULT_TIMEOUT_MS } from '../engine/run-fetch.js';
import { formatHtml } from '../report/html.js';
import { formatJson } from '../report/json.js';
import type { DoctorResult } from '../report/rows.js';
import { formatText } from '../report/text.js';
import { PolicyFileError, loadPolicy } from './load-policy.js';

/** Where the CLI writes, and whether that is a terminal (colour and progress only then). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly cwd?: string;
}

/** Exit codes: 0 a browser succeeds (or the audit / policy check passes), 1 it fails, 2 a usage or configuration error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `Usage: cors-doctor URL --origin ORIGIN [options]

Replays a page's fetch() exactly as a browser sends it and says whether the browser succeeds.

  --origin ORIGIN        the page's origin, e.g. https://app.example.com
  --method METHOD        the fetch() method (default GET)
  --header "NAME: VALUE" a request header the script sets (repeatable; VALUE defaults to "1")
  --credentials          fetch(..., { credentials: 'include' })
  --expose NAME          a response header the script reads (repeatable)
  --data BODY            the request body of the actual request
  --timeout 10s          per-request timeout (ms, s or m; default 10s)
  --audit                probe misconfigurations (look-alike origins, Vary, errors, Max-Age)
  --expect FILE          check the server against a CorsOptions policy (.json, .js, .mjs, .ts)
  --json                 print the result as JSON
  --html FILE            also write a one-page HTML report
  -h, --help             this text

Exit code: 0 when a browser succeeds (audit: nothing medium or worse; policy: every request
answered as the policy says), 1 when not, 2 for a usage or policy error.`;

/** Parses `10s`, `500ms`, `2m` or a bare number of seconds into milliseconds. */
export function parseTimeout(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match)
    throw new BrowserRequestError(`--timeout "${value}" is not a duration like 10s or 500ms`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
  if (ms <= 0) throw new BrowserRequestError('--timeout must be more than 0');
  return Math.round(ms);
}

function parseHeader(value: string): [string, string] {
  const colon = value.indexOf(':');
  if (colon === -1) return [value.trim(), '1'];
  return [value.slice(0, colon).trim(), value.slice(colon + 1).trim()];
}

/** Runs the CLI with `argv` (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        origin: { type: 'string' },
        method: { type: 'string' },
        header: { type: 'string', multiple: true },
        credentials: { type: 'boolean' },
        expose: { type: 'string', multiple: true },
        data: { type: 'string' },
        timeout: { type: 'string' },
        audit: { type: 'boolean' },
        expect: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr.write(`cors-doctor: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const usage = (message: string): number => {
    io.stderr.write(`cors-doctor: ${message}\n\n${USAGE}\n`);
    return EXIT.usage;
  };
  const [url, ...extra] = positionals;
  if (url === undefined) return usage('give the URL to check');
  if (extra.length > 0) return usage(`one URL at a time (also got ${extra.join(' ')})`);
  if (values.origin === undefined && values.expect === undefined)
    return usage('--origin is required');
  if (values.audit && values.expect !== undefined)
    return usage('--audit and --expect are separate runs');

  let result: DoctorResult;
  try {
    const timeoutMs =
      values.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(values.timeout);
    if (values.expect !== undefined) {
      const policy = await loadPolicy(values.expect, io.cwd);
      const progress = io.stderr.isTTY === true && values.json !== true;
      result = await checkCors(
        url,
        { policy, url },
        {
          timeoutMs,
          ...(progress
            ? {
                onProgress: (done: number, total: number, title: string) =>
                  void io.stderr.write(
                    `\r\u001b[2K[${done}/${total}] ${title.slice(0, 70)}${done === total ? '\r\u001b[2K' : ''}`,
                  ),
              }
            : {}),
        },
      );
    } else {
      const request = {
        origin: values.origin ?? '',
        url,
        ...(values.method === undefined ? {} : { method: values.method }),
        headers: (values.header ?? []).map(parseHeader),
        credentials: values.credentials ?? false,
        expose: values.expose ?? [],
        ...(values.data === undefined ? {} : { body: values.data }),
      };
      result = values.audit
        ? await auditCors(url, request, { timeoutMs })
        : await checkCors(url, request, { timeoutMs });
    }
  } catch (error) {
    if (
      error instanceof CorsConfigError ||
      error instanceof PolicyFileError ||
      error instanceof BrowserRequestError
    ) {
      io.stderr.write(`cors-doctor: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof TypeError && /URL/i.test(error.message))
      return usage(`"${url}" is not a URL`);
    throw error;
  }

  io.stdout.write(
    `${values.json ? formatJson(result) : formatText(result, { colour: io.stdout.isTTY === true && !process.env.NO_COLOR })}\n`,
  );
  if (values.html !== undefined) {
    await writeFile(values.html, formatHtml(result));
    if (!values.json) io.stdout.write(`HTML report: ${values.html}\n`);
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}
