import {
  CorsConfigError,
  createCorsPolicy,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from '@cors/core';
import { sendRow } from './observe.js';
import type { Observation, RowRequest } from './rows.js';
import type { ServedApp } from './serve.js';

const APP = 'https://app.example.com';
const NEW = 'https://new.example.com';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const get = (origin?: string): RowRequest => ({
  method: 'GET',
  headers: origin === undefined ? {} : { origin },
});
const refused: Observation = { status: 200, routeRuns: true, headers: { vary: 'Origin' } };

/**
 * A policy for `runReconfiguration`, with an async `origin` function (allowing `APP`) that the
 * run can hold, to reconfigure while a request waits on it. Serve it behind the adapter with
 * the conformance route (200, body `route`, every method), `cors(policy)`.
 */
export function reconfigurablePolicy(): ReconfigurableCorsPolicy {
  const gate: Gate = { held: undefined };
  const policy = createCorsPolicy({
    origin: async (origin: string) => {
      if (gate.held !== undefined) {
        gate.held.reached();
        await gate.held.released;
      }
      return origin === APP;
    },
    exposedHeaders: ['x-old'],
  });
  gates.set(policy, gate);
  return policy;
}

interface Gate {
  held: { reached: () => void; released: Promise<void> } | undefined;
}
const gates = new WeakMap<object, Gate>();

/** One step: maybe reconfigure (or fail to), then send a request and compare the answer. */
interface Step {
  readonly name: string;
  readonly reconfigure?: CorsOptions;
  /** The reconfiguration is invalid: it must throw `CorsConfigError` and change nothing. */
  readonly rejected?: true;
  readonly request: RowRequest;
  readonly expected: Observation;
}

const steps: readonly Step[] = [
  {
    name: 'the first options grant APP',
    request: get(APP),
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'x-old',
        vary: 'Origin',
      },
    },
  },
  { name: 'the first options refuse NEW', request: get(NEW), expected: refused },
  {
    name: 'invalid options are refused and the old ones kept',
    reconfigure: { origin: [NEW, 'https://bad.example.com/'], credentials: true },
    rejected: true,
    request: get(APP),
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': APP,
        'access-control-expose-headers': 'x-old',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'the new options grant NEW, with credentials and their own exposed headers',
    reconfigure: { origin: [NEW], credentials: true, exposedHeaders: ['x-new'] },
    request: get(NEW),
    expected: {
      status: 200,
      routeRuns: true,
      headers: {
        'access-control-allow-origin': NEW,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-new',
        vary: 'Origin',
      },
    },
  },
  { name: 'the new options refuse APP', request: get(APP), expected: refused },
  {
    name: 'the new options answer a preflight',
    request: {
      method: 'OPTIONS',
      headers: { origin: NEW, 'access-control-request-method': 'PUT' },
    },
    expected: {
      status: 204,
      routeRuns: false,
      headers: {
        'access-control-allow-origin': NEW,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
        vary: PREFLIGHT_VARY,
      },
    },
  },
  {
    name: "a '*' policy answers a request without Origin",
    reconfigure: { origin: '*' },
    request: get(),
    expected: { status: 200, routeRuns: true, headers: { 'access-control-allow-origin': '*' } },
  },
];

/**
 * Reconfigures `policy` (from `reconfigurablePolicy()`, served at `baseUrl`, or by a served app) while requests
 * arrive, and returns what differed from the expectation (empty when all is well):
 *
 * 1. a request held in the async `origin` function while the policy is reconfigured is answered
 *    wholly by the options it started with;
 * 2. then every step: new options apply to the next request; invalid ones throw
 *    `CorsConfigError` and leave the old ones in place.
 */
export async function runReconfiguration(
  baseUrl: string | Pick<ServedApp, 'fetch'>,
  policy: ReconfigurableCorsPolicy,
): Promise<string[]> {
  const gate = gates.get(policy);
  if (gate === undefined) throw new Error('runReconfiguration needs reconfigurablePolicy()');
  const mismatches: string[] = [];
  const first = policy.options;

  // 1. In flight: the old options decide the whole answer, even after the switch.
  let reached: () => void = () => undefined;
  let release: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  gate.held = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
  const held = sendRow(baseUrl, get(APP));
  await arrived;
  policy.reconfigure({ origin: [NEW], credentials: true, exposedHeaders: ['x-new'] });
  gate.held = undefined;
  release();
  compare('a request in flight finishes with the options it started with', await held, {
    status: 200,
    routeRuns: true,
    headers: {
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'x-old',
      vary: 'Origin',
    },
  });
  policy.reconfigure(first);

  // 2. The steps, in order.
  for (const step of steps) {
    if (step.reconfigure !== undefined) {
      let error: unknown;
      try {
        policy.reconfigure(step.reconfigure);
      } catch (caught) {
        error = caught;
      }
      if (step.rejected === true && !(error instanceof CorsConfigError)) {
        mismatches.push(`${step.name}: reconfigure did not throw CorsConfigError`);
      } else if (step.rejected !== true && error !== undefined) {
        mismatches.push(`${step.name}: reconfigure threw ${String(error)}`);
      }
    }
    compare(step.name, await sendRow(baseUrl, step.request), step.expected);
  }
  return mismatches;

  function compare(name: string, observed: Observation, expected: Observation): void {
    if (canonical(observed) !== canonical(expected)) {
      mismatches.push(`${name}: got ${JSON.stringify(observed)}`);
    }
  }
}

/** An observation as text, its headers in name order, for comparing. */
function canonical(observation: Observation): string {
  const headers = Object.entries(observation.headers).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([observation.status, observation.routeRuns, headers]);
}
