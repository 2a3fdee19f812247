import { joinDistinct, mergeVary, VARY } from './headers.js';

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

/** A decision kept with `keepGrant`: its headers and its `Vary` names. */
interface KeptGrant {
  readonly headers: Readonly<Record<string, string>>;
  readonly vary: readonly string[];
}

/** What a response keeps until its head is written: `Vary` names, or a grant with its names. */
type Kept = readonly string[] | KeptGrant;

// What each response keeps, until its head is written. Usually in one property of its own,
// under a symbol: set once per response, that costs far less than a WeakMap entry (on Fastify
// the WeakMap's set and the collector's work on its entries were a third of the whole CORS
// layer). Not on a response whose prototype was replaced after it was made (Express's `res`,
// NestJS on Express): V8 gives each such response maps of its own, so a property added to one
// costs an inline-cache miss and a new map (about 5.4 µs, against 0.3 µs for a WeakMap entry;
// BENCHMARKS.md, findings 9 and 10). Those keep theirs outside the response: the newest in one
// module-level slot (its head is usually the next written, and finding it there is one
// comparison), any earlier one still waiting for its head in a WeakMap (finding 14).
const KEPT = Symbol('@cors/core kept');
interface KeepingResponse extends VaryKeepingResponse {
  [KEPT]?: Kept | undefined;
  hasHeader?(name: string): boolean;
}
const keptElsewhere = new WeakMap<object, Kept>();
// The newest replaced-prototype response with something kept, and what it keeps. Held strongly
// only until its head is written or the next such response takes the slot.
let lastResponse: object | undefined;
let lastKept: Kept | undefined;
// Whether any response got the KEPT property: until then no own-property test is needed.
let ownPropertiesUsed = false;
// The prototype Node gives responses (the first seen that holds its own writeHead).
let nativePrototype: object | undefined;

/** Where a response keeps its state: its own property, the slot, or the WeakMap. */
type Place = 'own' | 'last' | 'map';

/**
 * Where the response keeps its state, or would: its own property if it has Node's prototype,
 * or had when the state was first kept (Express may replace the prototype later). Only own
 * properties are looked at: on a response whose prototype was replaced, a lookup that walks
 * its prototype chain costs as much as the rest of keeping Vary (BENCHMARKS.md, finding 10).
 */
function placeOf(response: KeepingResponse): Place {
  if (response === lastResponse) return 'last';
  if (isNative(response) || (ownPropertiesUsed && Object.hasOwn(response, KEPT))) return 'own';
  return 'map';
}

function keptAt(response: KeepingResponse, place: Place): Kept | undefined {
  return place === 'own'
    ? response[KEPT]
    : place === 'last'
      ? lastKept
      : keptElsewhere.get(response);
}

/**
 * Stores what the response keeps at `place` (from `placeOf`; `previous` is what was there). A
 * replaced-prototype response with nothing kept yet takes the slot, and the one it held moves
 * to the WeakMap.
 */
function setKept(
  response: KeepingResponse,
  place: Place,
  previous: Kept | undefined,
  kept: Kept,
): void {
  if (place === 'own') {
    response[KEPT] = kept;
    ownPropertiesUsed = true;
  } else if (place === 'last') {
    lastKept = kept;
  } else if (previous !== undefined) {
    keptElsewhere.set(response, kept);
  } else {
    if (lastResponse !== undefined) keptElsewhere.set(lastResponse, lastKept as Kept);
    lastResponse = response;
    lastKept = kept;
  }
}

/**
 * Forgets what a response kept at `place`, once its head is written: the slot and the WeakMap
 * then hold only responses whose head is still to come.
 */
function forgetKept(response: KeepingResponse, place: Place): void {
  if (place === 'own') {
    response[KEPT] = undefined;
  } else if (place === 'last' && response === lastResponse) {
    lastResponse = undefined;
    lastKept = undefined;
  } else {
    // Also when another response took the slot while this head was written (it moved here).
    keptElsewhere.delete(response);
  }
}

/** Whether the response still has the prototype Node gave it. */
function isNative(response: object): boolean {
  const prototype = Object.getPrototypeOf(response) as object | null;
  if (prototype === nativePrototype) return true;
  if (nativePrototype !== undefined || prototype === null) return false;
  if (!Object.hasOwn(prototype, 'writeHead')) return false;
  nativePrototype = prototype;
  return true;
}

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
 * (Node's `ServerResponse.prototype`, or a subclass's). A response with nothing kept passes
 * straight through the wrapper. A response whose own `writeHead` was already replaced (e.g. by
 * `on-headers`, before the CORS layer) gets that own method wrapped instead.
 */
export function keepVary(response: VaryKeepingResponse, names: readonly string[]): void {
  if (names.length === 0) return;
  const keeping = response as KeepingResponse;
  const place = placeOf(keeping);
  const kept = keptAt(keeping, place);
  if (kept === undefined) {
    setKept(keeping, place, kept, names);
    wrapWriteHeadOf(keeping, place === 'own');
  } else if (isNames(kept)) {
    setKept(keeping, place, kept, [...kept, ...names]);
  } else {
    setKept(keeping, place, kept, { headers: kept.headers, vary: [...kept.vary, ...names] });
  }
}

/**
 * Keeps a decision's grant and `Vary` names on a Node response until its head is written, for
 * a framework that holds response headers of its own and writes them with the head (Fastify's
 * `reply.header`): a head written past the framework (a hijacked reply writing Node's response
 * itself, or an error answered through another reply) still gets each of `decision.headers`
 * not set by then, and `Vary` keeps `decision.vary` as with `keepVary`. Once the framework is
 * about to write its own headers, with the grant among them, call `releaseGrant`: a grant
 * header the app then removed on purpose stays removed.
 *
 * @example
 * for (const name in decision.headers) reply.header(name, decision.headers[name]);
 * keepGrant(reply.raw, decision); // and releaseGrant(reply.raw) in onSend
 */
export function keepGrant(
  response: VaryKeepingResponse,
  decision: {
    readonly headers: Readonly<Record<string, string>>;
    readonly vary: readonly string[];
  },
): void {
  const keeping = response as KeepingResponse;
  const place = placeOf(keeping);
  const kept = keptAt(keeping, place);
  setKept(
    keeping,
    place,
    kept,
    kept === undefined
      ? decision
      : {
          headers: decision.headers,
          vary: [...(isNames(kept) ? kept : kept.vary), ...decision.vary],
        },
  );
  wrapWriteHeadOf(keeping, place === 'own');
}

/**
 * The framework writes the grant kept by `keepGrant` itself: from now on the head only keeps
 * the `Vary` names.
 */
export function releaseGrant(response: VaryKeepingResponse): void {
  const keeping = response as KeepingResponse;
  const place = placeOf(keeping);
  const kept = keptAt(keeping, place);
  if (kept !== undefined && !isNames(kept)) setKept(keeping, place, kept, kept.vary);
}

function isNames(kept: Kept): kept is readonly string[] {
  return Array.isArray(kept);
}

/**
 * Wraps the `writeHead` the response uses, once (see `keepVary`). `native`: the response keeps
 * its state in its own property (it has Node's prototype).
 */
function wrapWriteHeadOf(response: KeepingResponse, native: boolean): void {
  // The usual case: the response inherits the prototype wrapper seen last; nothing to do. One
  // read tells on Node's own responses. Not on a replaced prototype: there the read missed V8's
  // inline cache on every NestJS-on-Express response (its map changes before the head, where
  // Node reads writeHead again), and the own-property test and prototype below cost less
  // (BENCHMARKS.md, finding 14).
  if (native && lastWrapper !== undefined && response.writeHead === lastWrapper) return;
  if (Object.hasOwn(response, 'writeHead')) {
    // Something replaced this response's own writeHead before us: wrap that one, here only.
    const own = response.writeHead as unknown as WriteHead;
    if (wrappers.has(own)) return;
    Object.defineProperty(response, 'writeHead', {
      configurable: true,
      writable: true,
      value: wrapWriteHead(own),
    });
    return;
  }
  // Responses of one server share a prototype: its chain was checked for the last response.
  const prototype = Object.getPrototypeOf(response) as object | null;
  if (prototype === checkedPrototype) return;
  const writeHead = response.writeHead as unknown as WriteHead;
  if (wrappers.has(writeHead)) {
    checkedPrototype = prototype;
    lastWrapper = writeHead;
    return;
  }
  const owner = prototypeHolding(response, 'writeHead');
  if (owner === undefined || wrappedPrototypes.has(owner)) return;
  wrappedPrototypes.add(owner);
  lastWrapper = wrapWriteHead(writeHead);
  Object.defineProperty(owner, 'writeHead', {
    configurable: true,
    writable: true,
    value: lastWrapper,
  });
  checkedPrototype = prototype;
}

// The prototype of the last response whose inherited writeHead was found wrapped.
let checkedPrototype: object | null | undefined;
// The prototype wrapper made or found last: a response that uses it needs no further look.
let lastWrapper: WriteHead | undefined;

/** Whether the Vary value ends with `names`, whole tokens, as mergeVary appends them. */
function endsWithNames(value: string, names: readonly string[]): boolean {
  const joined = joinDistinct(names);
  if (value === joined) return true;
  const start = value.length - joined.length;
  return start >= 2 && value.endsWith(joined) && value.startsWith(', ', start - 2);
}

/** `names` merged into `value`, without parsing it when they already end it (the usual case). */
function varyWith(value: HeaderValue, names: readonly string[]): HeaderValue {
  if (typeof value === 'string' && endsWithNames(value, names)) return value;
  const merged = mergeVary(value, names);
  return merged === value ? value : merged;
}

function prototypeHolding(object: object, name: string): object | undefined {
  for (let proto = Object.getPrototypeOf(object) as object | null; proto !== null; ) {
    if (Object.hasOwn(proto, name)) return proto;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return undefined;
}

function wrapWriteHead(original: WriteHead): WriteHead {
  // Node's writeHead(statusCode[, statusMessage][, headers]): named parameters rather than a
  // rest array, which every head (CORS or not) would allocate; the original gets as many
  // arguments as the caller gave (a replaced writeHead, as on-headers', may count them).
  const wrapper: WriteHead = function writeHeadKeepingVary(this, statusCode, reason, headers) {
    const count = arguments.length;
    const response = this as KeepingResponse;
    // Not asked first whether the head is sent: a response forgets its state at its head, and
    // on Express's responses `headersSent` alone costs V8 an inline-cache miss (finding 14).
    const place = placeOf(response);
    const kept = keptAt(response, place);
    if (kept === undefined) {
      if (count >= 3) return original.call(this, statusCode, reason, headers);
      return count === 2
        ? original.call(this, statusCode, reason)
        : original.call(this, statusCode);
    }
    let written: unknown;
    if (count >= 3) {
      written = original.call(this, statusCode, reason, mergeUnlessSent(response, kept, headers));
    } else if (count === 2) {
      written = original.call(this, statusCode, mergeUnlessSent(response, kept, reason));
    } else {
      mergeUnlessSent(response, kept, undefined);
      written = original.call(this, statusCode);
    }
    // Only once the head is written (Node throws on a bad status, and the error response that
    // follows must keep the names too).
    forgetKept(response, place);
    return written;
  };
  wrappers.add(wrapper);
  return wrapper;
}

/**
 * `mergeAtHead`, unless the head was already written past the wrapper (Node's setHeader then
 * throws): `given` is passed on as it is, and the original writeHead throws Node's own error.
 */
function mergeUnlessSent(response: KeepingResponse, kept: Kept, given: unknown): unknown {
  try {
    return mergeAtHead(response, kept, given);
  } catch (error) {
    if (response.headersSent) return given;
    throw error;
  }
}

/**
 * Puts what the response keeps into the head about to be written: into the headers argument of
 * `writeHead` when there is one (Node applies it over the response's own headers; an object is
 * copied rather than changed, since it may be the caller's), otherwise onto the response.
 * Returns the headers argument to write: `given` itself or its copy with the names merged
 * (`given` may also be the status message, or nothing, which are returned as they are).
 */
function mergeAtHead(response: KeepingResponse, kept: Kept, given: unknown): unknown {
  const names = isNames(kept) ? kept : kept.vary;
  const grant = isNames(kept) ? undefined : kept.headers;
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    return withKeptInObject(response, given as Record<string, HeaderValue>, names, grant);
  }
  if (grant !== undefined) {
    for (const name in grant) {
      if (!isSetOn(response, name) && !(Array.isArray(given) && isListed(given, name))) {
        response.setHeader(name, grant[name] as string);
      }
    }
  }
  if (names.length === 0) return given;
  const current = response.getHeader(VARY);
  const merged = varyWith(current, names);
  if (merged !== current) response.setHeader(VARY, merged as string);
  return Array.isArray(given) ? withVaryInList(given as readonly unknown[], names) : given;
}

/**
 * The headers object of `writeHead(status, headers)` with the kept names in its Vary and the
 * kept grant's missing headers added (a copy when anything changes). When the object has no
 * Vary, the response's own is merged where it is (Node keeps it); a response with no Vary at
 * all gets it in the copy, which keeps Node's fast path for heads given whole (Fastify's).
 */
function withKeptInObject(
  response: KeepingResponse,
  headers: Record<string, HeaderValue>,
  names: readonly string[],
  grant: Readonly<Record<string, string>> | undefined,
): Record<string, HeaderValue> {
  let copy: Record<string, HeaderValue> | undefined;
  // Fastify's keys are lowercase: looked up at once; other spellings are searched for.
  const varyName =
    names.length === 0 ? undefined : headers.vary !== undefined ? 'vary' : findVary(headers);
  if (varyName !== undefined) {
    const value = headers[varyName];
    const merged = varyWith(value, names);
    if (merged !== value) {
      copy = { ...headers };
      copy[varyName] = merged;
    }
  } else if (names.length > 0) {
    const current = response.getHeader(VARY);
    if (current !== undefined) {
      const merged = varyWith(current, names);
      if (merged !== current) response.setHeader(VARY, merged as string);
    } else {
      copy ??= { ...headers };
      copy[VARY] = mergeVary(undefined, names);
    }
  }
  if (grant !== undefined) {
    for (const name in grant) {
      if (isSetOn(response, name) || hasName(headers, name)) continue;
      copy ??= { ...headers };
      copy[name] = grant[name];
    }
  }
  return copy ?? headers;
}

/** The key of a headers object that is `Vary` in some spelling, if any. */
function findVary(headers: Record<string, HeaderValue>): string | undefined {
  for (const name in headers) {
    if (name.length === 4 && name.toLowerCase() === 'vary' && headers[name] !== undefined) {
      return name;
    }
  }
  return undefined;
}

/** Whether Node's response has header `name` set (any case). */
function isSetOn(response: KeepingResponse, name: string): boolean {
  return response.hasHeader !== undefined
    ? response.hasHeader(name)
    : response.getHeader(name) !== undefined;
}

/**
 * Whether a headers object has `name`, in any case (Fastify's keys are lowercase). Only heads
 * written past the framework with a grant still kept come here.
 */
function hasName(headers: Record<string, HeaderValue>, name: string): boolean {
  const lower = name.toLowerCase();
  if (headers[lower] !== undefined || headers[name] !== undefined) return true;
  for (const key in headers) {
    if (key.length === name.length && key.toLowerCase() === lower) return true;
  }
  return false;
}

/** Whether a flat `[name, value, …]` list names `name` (any case). */
function isListed(list: readonly unknown[], name: string): boolean {
  const lower = name.toLowerCase();
  for (let index = 0; index < list.length; index += 2) {
    const listed = list[index];
    if (typeof listed === 'string' && listed.toLowerCase() === lower) return true;
  }
  return false;
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
  if (names.length === 0) return;
  const current = response.getHeader(VARY);
  const merged = mergeVary(current, names);
  // Node's setHeader refuses a sent head itself; asking `headersSent` first would cost, on each
  // Express response, an inline-cache miss (BENCHMARKS.md, finding 14).
  if (merged !== current ? !setVaryUnlessSent(response, merged) : response.headersSent) return;
  if (keep) keepVary(response, names);
}

/** Sets `Vary`; `false` when the head was already sent, so nothing can be set. */
function setVaryUnlessSent(response: VaryKeepingResponse, value: string): boolean {
  try {
    response.setHeader(VARY, value);
    return true;
  } catch (error) {
    if (response.headersSent) return false;
    throw error;
  }
}
