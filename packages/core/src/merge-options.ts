import { CorsConfigError, describeValue, type CorsConfigIssue } from './config-error.js';
import { OPTION_NAMES, type CorsOptions } from './options.js';

const OPTION_NAME_SET: ReadonlySet<string> = new Set(OPTION_NAMES);

// Names users bring from other CORS libraries. A `Map`, not an object literal: a lookup of
// `constructor` or `__proto__` must find nothing, not `Object` or `Object.prototype`.
const OPTION_ALIASES: ReadonlyMap<string, keyof CorsOptions> = new Map([
  ['allowHeaders', 'allowedHeaders'],
  ['allowMethods', 'methods'],
  ['allowOrigin', 'origin'],
  ['allowOrigins', 'origin'],
  ['origins', 'origin'],
  ['exposeHeaders', 'exposedHeaders'],
  ['maxage', 'maxAge'],
  ['allowPrivateNetwork', 'privateNetwork'],
  ['privateNetworkAccess', 'privateNetwork'],
  ['allowCredentials', 'credentials'],
]);

// Keys that only ever reach an options object by accident (`JSON.parse('{"__proto__": …}')`,
// a merge that copies every key) or by an attack; never "did you mean" material.
const OBJECT_MACHINERY = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Reads an options object the way every part of the toolkit must: only its own enumerable
 * properties, each checked by name. Unknown names, and enumerable properties inherited from a
 * prototype other than `Object.prototype` (`{ __proto__: { credentials: true } }`,
 * `Object.create(defaults)`), are reported into `issues`. Properties of `Object.prototype`
 * itself are never read, so a polluted prototype changes nothing. Returns a fresh object holding
 * only known option names.
 */
export function readOwnOptions<Request>(
  value: unknown,
  issues: CorsConfigIssue[],
): CorsOptions<Request> {
  // No prototype: reading an option that is not set finds nothing, even when `Object.prototype`
  // is polluted; and only known names are ever assigned.
  const read = Object.create(null) as Record<string, unknown>;
  if (value === undefined) return read;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      option: 'options',
      value,
      message: `${describeValue(value)} is not an options object`,
    });
    return read;
  }
  const source = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(source)) {
    if (OPTION_NAME_SET.has(key)) read[key] = source[key];
    else issues.push(unknownOption(key, source[key]));
  }
  const reported = new Set<string>();
  for (
    let prototype: unknown = Object.getPrototypeOf(source);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const key of Object.keys(prototype as object)) {
      if (Object.prototype.hasOwnProperty.call(source, key) || reported.has(key)) continue;
      reported.add(key);
      issues.push({
        option: key,
        value: (prototype as Record<string, unknown>)[key],
        message: `${JSON.stringify(key)} is inherited from the options object's prototype; only the object's own properties are read`,
        hint: 'set it on the options object itself, e.g. { ...defaults, origin: [...] }',
      });
    }
  }
  return read as CorsOptions<Request>;
}

function unknownOption(key: string, value: unknown): CorsConfigIssue {
  const message = `${JSON.stringify(key)} is not a CORS option`;
  if (OBJECT_MACHINERY.has(key)) {
    return {
      option: key,
      value,
      message,
      hint: `options are read from the object's own properties only; remove the ${JSON.stringify(key)} key (e.g. one JSON.parse created)`,
    };
  }
  const alias =
    OPTION_ALIASES.get(key) ??
    OPTION_NAMES.find((name) => name.toLowerCase() === key.toLowerCase());
  return {
    option: key,
    value,
    message,
    hint: alias ? `did you mean ${alias}?` : `the options are ${OPTION_NAMES.join(', ')}`,
  };
}

/**
 * Merges option objects, later over earlier, option by option, the way per-route options are
 * layered over defaults (NestJS: module defaults, then controller, then handler). Only each
 * object's own enumerable properties are read; a property whose value is `undefined` leaves the
 * earlier value in place; `undefined` layers are skipped. Throws `CorsConfigError` listing every
 * unknown or inherited option name (and every layer that is not an object), so a
 * `JSON.parse('{"__proto__": {...}}')` layer cannot smuggle settings in. The result has no
 * prototype, so reading an option it does not set gives `undefined` even when
 * `Object.prototype` is polluted. The values themselves are checked by `createCorsPolicy`.
 *
 * @example
 * const options = mergeCorsOptions(moduleDefaults, controllerOptions, handlerOptions);
 * const policy = createCorsPolicy(options);
 */
export function mergeCorsOptions<Request = unknown>(
  ...layers: readonly (CorsOptions<Request> | undefined)[]
): CorsOptions<Request> {
  const issues: CorsConfigIssue[] = [];
  const merged = Object.create(null) as Record<string, unknown>;
  for (const layer of layers) {
    const read = readOwnOptions<Request>(layer, issues) as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(read)) {
      if (read[key] !== undefined) merged[key] = read[key];
    }
  }
  if (issues.length > 0) throw new CorsConfigError(issues);
  return merged as CorsOptions<Request>;
}
