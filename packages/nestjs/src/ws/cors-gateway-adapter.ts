import {
  CorsConfigError,
  isPromiseLike,
  type CorsDecision,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { CORS_MODULE_OPTIONS } from '../constants.js';
import type { ModuleDefaults } from '../cors.module.js';
import {
  GATEWAY_METADATA,
  buildGatewayPolicies,
  serverKey,
  type GatewayClass,
  type GatewayPolicies,
} from './gateway-policies.js';

/**
 * A Nest WebSocket adapter class such as `WsAdapter` from `@nestjs/platform-ws`: constructed
 * with the application, and asked to `create` one server per gateway port and path.
 */
// TypeScript requires a mixin's base constructor to take `...args: any[]` (TS2545).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WebSocketAdapterClass = new (...args: any[]) => {
  create(port: number, options?: object): unknown;
  dispose?(): unknown;
};

/** The application each adapter was constructed with, and the policies found in it. */
const applications = new WeakMap<object, INestApplicationContext | undefined>();
const policiesOf = new WeakMap<object, GatewayPolicies>();

const logger = new Logger('CorsGatewayAdapter');

/**
 * Makes a Nest WebSocket adapter answer each gateway's handshakes with that gateway's CORS
 * policy: `@AllowOrigin()` on the gateway class, merged over `CorsModule.forRoot()` defaults as
 * for a controller. A handshake from a refused origin is answered 403 before the protocol
 * switch, so `handleConnection` never runs for it. Works with `WsAdapter` from
 * `@nestjs/platform-ws` (it sets `ws`'s `verifyClient`) and `IoAdapter` from
 * `@nestjs/platform-socket.io` (engine.io's `allowRequest`).
 *
 * Browsers send `Origin` on every WebSocket handshake, your own pages' included: list your own
 * origin too. A gateway with no `@AllowOrigin()` (and module defaults naming no origin), or with
 * `@DisableCors()`, refuses every handshake that carries an `Origin`. A handshake without one
 * follows `upgradeWithoutOrigin` (allowed by default: it is not from a browser). Gateways that
 * share one server (same port and path) must declare the same policy, or the app fails to start
 * with `CorsConfigError`.
 *
 * @example
 * import { WsAdapter } from '@nestjs/platform-ws';
 *
 * @AllowOrigin(['https://app.example.com'])
 * @WebSocketGateway({ path: '/chat' })
 * export class ChatGateway {}
 *
 * const CorsWsAdapter = corsGatewayAdapter(WsAdapter);
 * app.useWebSocketAdapter(new CorsWsAdapter(app));
 */
export function corsGatewayAdapter<Base extends WebSocketAdapterClass>(Base: Base): Base {
  return class CorsGatewayAdapter extends Base {
    // TypeScript requires a mixin's constructor to take `...args: any[]` (TS2545).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...args);
      const first: unknown = args[0];
      applications.set(this, isApplication(first) ? first : undefined);
    }

    override create(port: number, options: Record<string, unknown> = {}): unknown {
      // A namespace of an existing server (socket.io): that server's check already applies.
      if (options['server'] !== undefined) return super.create(port, options);
      for (const option of ['verifyClient', 'allowRequest']) {
        if (options[option] === undefined) continue;
        throw new CorsConfigError([
          {
            option,
            value: options[option],
            message: `the @WebSocketGateway() on port ${port} sets ${option}, and @AllowOrigin() decides its handshakes too`,
            hint: `remove ${option} from @WebSocketGateway(); declare the origins with @AllowOrigin()`,
          },
        ]);
      }
      const policy = this.#policies().byServer.get(serverKey(port, options['path']));
      if (policy === undefined) {
        // Not a server of any gateway we found (Nest creates one per gateway): refuse rather
        // than let every origin in.
        logger.warn(
          `no gateway found for the WebSocket server on port ${port}, path ${String(options['path'])}: its handshakes with an Origin are refused`,
        );
      }
      const check = createHandshakeCheck(policy);
      // `ws` reads verifyClient (WsAdapter), engine.io reads allowRequest (IoAdapter); each
      // ignores the other's option.
      return super.create(port, {
        ...options,
        verifyClient: verifyClient(check),
        allowRequest: allowRequest(check),
      });
    }

    override dispose(): unknown {
      // Stop following the module policy: the app is closing.
      policiesOf.get(this)?.release();
      policiesOf.delete(this);
      return super.dispose?.();
    }

    #policies(): GatewayPolicies {
      let policies = policiesOf.get(this);
      if (policies === undefined) {
        policies = discoverGatewayPolicies(applications.get(this));
        policiesOf.set(this, policies);
      }
      return policies;
    }
  };
}

function isApplication(value: unknown): value is INestApplicationContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { get?: unknown }).get === 'function' &&
    typeof (value as { select?: unknown }).select === 'function'
  );
}

/** Every `@WebSocketGateway()` class among the app's providers, and the module defaults. */
function discoverGatewayPolicies(app: INestApplicationContext | undefined): GatewayPolicies {
  if (app === undefined) {
    throw new Error(
      'corsGatewayAdapter: construct the adapter with the Nest application (new CorsWsAdapter(app)), so it can find the gateways and their @AllowOrigin()',
    );
  }
  const gateways = new Set<GatewayClass>();
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.providers.values()) {
      const type: unknown = wrapper.metatype;
      if (typeof type === 'function' && Reflect.getMetadata(GATEWAY_METADATA, type) === true) {
        gateways.add(type as GatewayClass);
      }
    }
  }
  let defaults: ModuleDefaults | undefined;
  try {
    defaults = app.get<symbol, ModuleDefaults | undefined>(CORS_MODULE_OPTIONS, { strict: false });
  } catch {
    // No CorsModule in the app: gateways have only their own @AllowOrigin().
  }
  return buildGatewayPolicies([...gateways], defaults);
}

/** Decides a handshake: `done(undefined)` to accept it, `done(status)` to refuse it. */
type HandshakeCheck = (
  request: IncomingMessage,
  done: (refusal: number | undefined) => void,
) => void;

/**
 * The policy's answer to a handshake: 403 for a refused origin; 500 when the `origin` function
 * fails (logged, as Nest logs gateway errors). Without a policy, any Origin is refused.
 */
function createHandshakeCheck(policy: ReconfigurableCorsPolicy | undefined): HandshakeCheck {
  return (request, done) => {
    const origin = request.headers.origin;
    if (policy === undefined) {
      done(origin === undefined ? undefined : 403);
      return;
    }
    const answer = (decision: CorsDecision): void =>
      done(decision.action === 'continue' ? undefined : decision.status);
    const fail = (error: unknown): void => {
      logger.error(
        'the origin function failed during a WebSocket handshake; refused it',
        error instanceof Error ? error.stack : String(error),
      );
      done(500);
    };
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      decision = policy.checkUpgrade({ origin, request });
    } catch (error) {
      fail(error);
      return;
    }
    if (isPromiseLike<CorsDecision>(decision)) decision.then(answer, fail);
    else answer(decision);
  };
}

/** `ws`'s `verifyClient` in its callback form (two parameters, so `ws` waits for it). */
function verifyClient(
  check: HandshakeCheck,
): (
  info: { readonly req: IncomingMessage },
  callback: (result: boolean, code?: number) => void,
) => void {
  return (info, callback) =>
    check(info.req, (refusal) =>
      refusal === undefined ? callback(true) : callback(false, refusal),
    );
}

/** engine.io's `allowRequest` (socket.io answers a refusal 403; the message names no origin). */
function allowRequest(
  check: HandshakeCheck,
): (request: IncomingMessage, callback: (error: string | null, success: boolean) => void) => void {
  return (request, callback) =>
    check(request, (refusal) =>
      refusal === undefined ? callback(null, true) : callback('origin not allowed', false),
    );
}
