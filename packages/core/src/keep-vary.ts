import { mergeVary, VARY } from './headers.js';

/**
 * The parts of Node's `http.ServerResponse` that `keepVary` uses, written out so that the core
 * needs no `node:` import (it also runs on Workers, Deno and Bun, where nothing calls this).
 */
export interface VaryKeepingResponse {
  readonly headersSent: boolean;
  getHeader(name: string): string | number | readonly string[] | undefined;
  setHeader(name: string, value: string): unknown;
  writeHead(...args: never[]): unknown;
}

type HeaderValue = string | number | readonly string[] | undefined;
type WriteHead = (this: VaryKeepingResponse, ...args: unknown[]) => unknown;

// The names each response keeps in its Vary. A WeakMap, not a property: a property added to a
// response changes its shape, which costs Express and NestJS measurably (BENCHMARKS.md,
// finding 8).
const keptNames = new WeakMap<object, readonly string[]>();
// The prototypes whose writeHead is wrapped, and the wrappers, so that each is wrapped once.
const wrappedPrototypes = new WeakSet<object>();
const wrappers = new WeakSet<WriteHead>();

/**
 * Keeps `names` in the response's `Vary` until its head is written (Node's `http.ServerResponse`
 * and what Express, Koa, Fastify and NestJS build on it): whatever replaces `Vary` after the
 * CORS layer ran (`res.setHeader('Vary', …)`, Express's `res.set`, Koa's `ctx.set`, Fastify's
 * `reply.header`, `res.writeHead(status, { Vary })` or the flat-array `res.writeHead(status,
 * ['Vary', …])` of proxies), the names are merged back in when the head is written. SPEC: an
 * existing Vary is merged, never overwritten, so that no cache hands one origin's answer to
 * another. Call it once the decision's `vary` is set; `names` are added to those kept before.
 *
 * How: every head goes through `writeHead` (`res.end()` too, through Node's implicit header),
 * so the `writeHead` that the response inherits is wrapped once, on the prototype that holds it
 * (Node's `ServerResponse.prototype`, or a subclass's). A response with no names passes
 * straight through the wrapper. Nothing is added to the response itself, which keeps the
 * response's shape and costs Express less than replacing its `setHeader` (BENCHMARKS.md,
 * finding 8). A response whose own `writeHead` was already replaced (e.g. by `on-headers`,
 * before the CORS layer) gets that own method wrapped instead.
 */
export function keepVary(response: VaryKeepingResponse, names: readonly string[]): void {
  if (names.length === 0) return;
  const kept = keptNames.get(response);
  keptNames.set(response, kept === undefined ? names : [...kept, ...names]);
  if (kept !== undefined) return; // its writeHead already merges
  const writeHead = response.writeHead as unknown as WriteHead;
  if (wrappers.has(writeHead)) return;
  if (Object.hasOwn(response, 'writeHead')) {
    // Something replaced this response's own writeHead before us: wrap that one, here only.
    Object.defineProperty(response, 'writeHead', {
      configurable: true,
      writable: true,
      value: wrapWriteHead(writeHead),
    });
    return;
  }
  const owner = prototypeHolding(response, 'writeHead');
  if (owner === undefined || wrappedPrototypes.has(owner)) return;
  wrappedPrototypes.add(owner);
  Object.defineProperty(owner, 'writeHead', {
    configurable: true,
    writable: true,
    value: wrapWriteHead(writeHead),
  });
}

// `names` joined as mergeVary appends them, per names list (policies share theirs).
const joinedNames = new WeakMap<readonly string[], string>();

/** Whether the Vary value ends with `names`, whole tokens, as mergeVary appends them. */
function endsWithNames(value: string, names: readonly string[]): boolean {
  let joined = joinedNames.get(names);
  if (joined === undefined) joinedNames.set(names, (joined = names.join(', ')));
  if (value === joined) return true;
  const start = value.length - joined.length;
  return start >= 2 && value.endsWith(joined) && value.startsWith(', ', start - 2);
}

function prototypeHolding(object: object, name: string): object | undefined {
  for (let proto = Object.getPrototypeOf(object) as object | null; proto !== null; ) {
    if (Object.hasOwn(proto, name)) return proto;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

function wrapWriteHead(original: WriteHead): WriteHead {
  const wrapper: WriteHead = function writeHeadKeepingVary(this, ...args) {
    const names = keptNames.get(this);
    if (names !== undefined && !this.headersSent) mergeAtHead(this, names, args);
    return original.apply(this, args);
  };
  wrappers.add(wrapper);
  return wrapper;
}

/**
 * Merges `names` into the Vary the head is written with: the one set on the response, and the
 * one in `writeHead`'s headers argument, which Node applies over it (an object is copied rather
 * than changed, since it may be the caller's).
 */
function mergeAtHead(
  response: VaryKeepingResponse,
  names: readonly string[],
  args: unknown[],
): void {
  const current = response.getHeader(VARY);
  // Usually the Vary is still the one set with the names (they end it): no parse at all.
  if (typeof current !== 'string' || !endsWithNames(current, names)) {
    const merged = mergeVary(current, names);
    if (merged !== current) response.setHeader(VARY, merged);
  }
  const last = args.length - 1;
  const headers = args[last];
  if (last < 1 || typeof headers !== 'object' || headers === null) return;
  if (Array.isArray(headers)) {
    args[last] = withVaryInList(headers as readonly unknown[], names);
    return;
  }
  let copy: Record<string, HeaderValue> | undefined;
  for (const name in headers) {
    if (name.length !== 4 || name.toLowerCase() !== 'vary') continue;
    copy ??= { ...(headers as Record<string, HeaderValue>) };
    copy[name] = mergeVary(copy[name], names);
  }
  if (copy !== undefined) args[last] = copy;
}

/**
 * The flat `[name, value, name, value, …]` form: Node removes the response's Vary and appends
 * each listed one, so the names are merged into the last listed Vary (a copy of the list).
 */
function withVaryInList(list: readonly unknown[], names: readonly string[]): readonly unknown[] {
  if (list.length % 2 !== 0 || Array.isArray(list[0])) return list; // Node refuses these itself
  let listed = '';
  let lastIndex = -1;
  for (let index = 0; index < list.length; index += 2) {
    const name = list[index];
    if (typeof name !== 'string' || name.toLowerCase() !== 'vary') continue;
    const value = String(list[index + 1] as string);
    listed = listed === '' ? value : `${listed}, ${value}`;
    lastIndex = index + 1;
  }
  if (lastIndex === -1) return list; // the response's own Vary stays, already merged
  const merged = mergeVary(listed, names);
  if (merged === listed) return list;
  const copy = [...list];
  // mergeVary appends the missing names after the listed ones: add only those to the last one.
  copy[lastIndex] =
    merged.startsWith(listed) && listed.trim() !== ''
      ? `${String(list[lastIndex] as string)}${merged.slice(listed.length)}`
      : merged;
  return copy;
}

/**
 * Merges `names` into the `Vary` of a Node response now (Node's `http.ServerResponse`, and what
 * Express, Koa, Fastify and NestJS build on it) and, unless `keep` is `false`, keeps them there
 * until its head is written (`keepVary`). Nothing happens once the head is sent. `keep: false`
 * is for a response ended at once (an answered preflight), whose `Vary` nothing can replace.
 * This is the one place the Node adapters write a decision's `vary` on a response.
 *
 * @example
 * for (const name in decision.headers) res.setHeader(name, decision.headers[name]);
 * addVary(res, decision.vary, decision.action === 'continue');
 */
export function addVary(
  response: VaryKeepingResponse,
  names: readonly string[],
  keep = true,
): void {
  if (names.length === 0 || response.headersSent) return;
  const current = response.getHeader(VARY);
  const merged = mergeVary(current, names);
  if (merged !== current) response.setHeader(VARY, merged);
  if (keep) keepVary(response, names);
}
