import {
  CorsConfigError,
  createCorsPolicy,
  isCorsPolicy,
  mergeCorsOptions,
  type CorsConfigIssue,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import {
  readControllerDeclaration,
  type Declaration as RouteDeclaration,
} from '../route-policies.js';

// The metadata keys of @nestjs/websockets' `@WebSocketGateway()` (its `constants.js`). Read by
// name so that @cors/nestjs loads without @nestjs/websockets installed; a test checks that
// they still match.
export const GATEWAY_METADATA = 'websockets:is_gateway';
export const GATEWAY_OPTIONS = 'websockets:gateway_options';
export const PORT_METADATA = 'port';

/** A class that may be a `@WebSocketGateway()`, as found among an app's providers. */
export type GatewayClass = abstract new (...args: never[]) => unknown;

/**
 * The policy that decides the handshakes of each WebSocket server Nest creates, keyed by the
 * server's port and path (how Nest itself shares one server between gateways).
 */
export interface GatewayPolicies {
  readonly byServer: ReadonlyMap<string, ReconfigurableCorsPolicy>;
  /** Stops following the module policy's reconfigurations (when the adapter is disposed). */
  readonly release: () => void;
}

/** The key of the server Nest creates for `port` and `path` (`WsAdapter.create(port, { path })`). */
export function serverKey(port: number, path: unknown): string {
  return `${port} ${typeof path === 'string' ? path : ''}`;
}

/**
 * Gives each gateway its policy, as for a controller (SPEC, NestJS): the gateway's own
 * `@AllowOrigin()` merged option by option over the module defaults; else the module defaults
 * when they name an origin; else (or with `@DisableCors()`) no origin is allowed, since a
 * handshake is the one place where "no grant" must mean "refused". Gateways that share a server
 * must mean the same: different declarations there throw `CorsConfigError` (never guess). When
 * the module defaults are a policy, its reconfigurations reach every gateway's policy.
 */
export function buildGatewayPolicies(
  gateways: readonly GatewayClass[],
  defaults: CorsOptions | ReconfigurableCorsPolicy | undefined,
): GatewayPolicies {
  const issues: CorsConfigIssue[] = [];
  const defaultOptions = (isCorsPolicy(defaults) ? defaults.options : defaults) ?? {};
  const byServer = new Map<string, { gateway: GatewayClass; declaration: Declaration }[]>();
  for (const gateway of gateways) {
    const options = (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) ?? {}) as { path?: unknown };
    const port = Number(Reflect.getMetadata(PORT_METADATA, gateway) ?? 0);
    const key = serverKey(port, options.path);
    const declaration = readControllerDeclaration(gateway, issues) ?? NONE;
    const list = byServer.get(key) ?? [];
    list.push({ gateway, declaration });
    byServer.set(key, list);
  }

  const policies = new Map<string, ReconfigurableCorsPolicy>();
  const compiled: { declaration: Declaration; policy: ReconfigurableCorsPolicy }[] = [];
  for (const [key, list] of byServer) {
    const [first, ...others] = list;
    if (first === undefined) continue;
    const conflicting = others.find(
      ({ declaration }) => !sameDeclaration(declaration, first.declaration),
    );
    if (conflicting !== undefined) {
      issues.push({
        option: '@AllowOrigin',
        value: `${first.gateway.name}, ${conflicting.gateway.name}`,
        message: `gateways ${first.gateway.name} and ${conflicting.gateway.name} share one WebSocket server (port and path ${JSON.stringify(key)}) but declare different CORS policies; a handshake cannot tell them apart`,
        hint: 'give them the same @AllowOrigin(), or different paths',
      });
      continue;
    }
    try {
      const policy = createCorsPolicy(gatewayOptions(first.declaration, defaultOptions));
      policies.set(key, policy);
      compiled.push({ declaration: first.declaration, policy });
    } catch (error) {
      if (!(error instanceof CorsConfigError)) throw error;
      issues.push(
        ...error.issues.map((issue) => ({
          ...issue,
          message: `${first.gateway.name}: ${issue.message}`,
        })),
      );
    }
  }
  if (issues.length > 0) throw new CorsConfigError(issues);

  // A module policy's reconfiguration is checked against every gateway before anything
  // switches (a gateway's merged options may be invalid), then switches them all at once.
  const release = isCorsPolicy(defaults)
    ? defaults.onReconfigure((options) => {
        const next = compiled.map(({ declaration, policy }) => {
          const merged = gatewayOptions(declaration, options);
          createCorsPolicy(merged);
          return () => policy.reconfigure(merged);
        });
        return () => next.forEach((switchOver) => switchOver());
      })
    : () => undefined;
  return { byServer: policies, release };
}

/** A gateway's options: its declaration over the module defaults (see `buildGatewayPolicies`). */
function gatewayOptions(declaration: Declaration, defaults: CorsOptions): CorsOptions {
  if (declaration.kind === 'allow') {
    const merged = mergeCorsOptions(defaults, declaration.declaration.options as CorsOptions);
    if (declaration.declaration.origin !== undefined) {
      merged.origin = declaration.declaration.origin as CorsOptions['origin'];
    }
    // No origin anywhere: the core's default, '*' (SPEC: "With no arguments … or '*'").
    return merged;
  }
  const options = mergeCorsOptions(defaults);
  // SPEC: defaults that name an origin apply to every undecorated route; otherwise nothing is
  // granted, which for a handshake means every Origin is refused.
  return declaration.kind === 'none' && options.origin !== undefined
    ? options
    : { ...options, origin: [] };
}

const NONE: Declaration = { kind: 'none' };

/** A gateway's declaration, or `none`: only the module defaults apply. */
type Declaration = RouteDeclaration | { readonly kind: 'none' };

function sameDeclaration(a: Declaration, b: Declaration): boolean {
  if (a.kind !== 'allow' || b.kind !== 'allow') return a.kind === b.kind;
  return sameValue(a.declaration, b.declaration);
}

/** Equal option values: lists and objects item by item, RegExps by source, the rest by identity. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) =>
      sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}
