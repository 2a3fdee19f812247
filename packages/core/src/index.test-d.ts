import { describe, expectTypeOf, it } from 'vitest';
import {
  createCorsPolicy,
  explainRefusal,
  isPromiseLike,
  mergeCorsOptions,
  mergeVary,
  createRefusingPolicy,
  type CorsConfigError,
  type CorsContinueDecision,
  type CorsRespondDecision,
  type RouteRefusalReason,
  type CorsConfigIssue,
  type CorsDecision,
  type CorsOptions,
  type CorsPolicy,
  type CorsRequest,
  type OriginFunction,
  type PrivateNetworkOutcome,
  type ReconfigurableCorsPolicy,
  type RefusalReason,
  cachedOrigins,
  isCorsPolicy,
} from './index.js';

interface Ctx {
  readonly tenant: string;
}

describe('public types', () => {
  it('hands the framework request type to an origin function and to onDecision', () => {
    createCorsPolicy<Ctx>({
      origin: (origin, ctx) => {
        expectTypeOf(origin).toEqualTypeOf<string>();
        expectTypeOf(ctx).toEqualTypeOf<Ctx>();
        return ctx.tenant === 'a';
      },
      onDecision: (decision, ctx) => {
        expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
        expectTypeOf(ctx).toEqualTypeOf<Ctx>();
      },
    });
    expectTypeOf<CorsOptions<Ctx>['origin']>()
      .extract<OriginFunction<Ctx>>()
      .toEqualTypeOf<OriginFunction<Ctx>>();
  });

  it('accepts every documented form of origin', () => {
    expectTypeOf<'*'>().toExtend<CorsOptions['origin']>();
    expectTypeOf<string>().toExtend<CorsOptions['origin']>();
    expectTypeOf<RegExp>().toExtend<CorsOptions['origin']>();
    expectTypeOf<readonly (string | RegExp)[]>().toExtend<CorsOptions['origin']>();
    expectTypeOf<() => Promise<boolean>>().toExtend<CorsOptions['origin']>();
    expectTypeOf<boolean>().not.toExtend<CorsOptions['origin']>();
    expectTypeOf<() => string>().not.toExtend<CorsOptions['origin']>();
  });

  it('evaluates to a decision or a promise of one', () => {
    const policy = createCorsPolicy<Ctx>({ origin: 'https://app.example.com' });
    expectTypeOf(policy).toEqualTypeOf<ReconfigurableCorsPolicy<Ctx>>();
    expectTypeOf(policy).toExtend<CorsPolicy<Ctx>>();
    expectTypeOf(policy.evaluate).parameter(0).toEqualTypeOf<CorsRequest<Ctx>>();
    expectTypeOf(policy.evaluate).returns.toEqualTypeOf<CorsDecision | Promise<CorsDecision>>();
    expectTypeOf(policy.errorVary).toEqualTypeOf<readonly string[]>();
    // @ts-expect-error the names an error response varies on are read-only.
    policy.errorVary.push('Accept');
  });

  it('makes a misspelt or mistyped option a type error', () => {
    // @ts-expect-error `exposeHeaders` is not an option (it is `exposedHeaders`).
    createCorsPolicy({ exposeHeaders: ['x-id'] });
    // @ts-expect-error `credentials` is a boolean.
    createCorsPolicy({ credentials: 'true' });
    // @ts-expect-error `methods` is an array or '*', not a comma-separated string.
    createCorsPolicy({ methods: 'GET,POST' });
    const forAnotherRequest = (_origin: string, request: { other: number }): boolean =>
      request.other > 0;
    // @ts-expect-error an origin function receives the request type it was declared with.
    createCorsPolicy<Ctx>({ origin: forAnotherRequest });
  });

  it('describes a decision as read-only data', () => {
    expectTypeOf<CorsDecision['kind']>().toEqualTypeOf<'not-cors' | 'actual' | 'preflight'>();
    expectTypeOf<CorsDecision['action']>().toEqualTypeOf<'continue' | 'respond'>();
    expectTypeOf<CorsDecision['headers']>().toEqualTypeOf<Readonly<Record<string, string>>>();
    expectTypeOf<CorsDecision['vary']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<CorsDecision['reason']>().toEqualTypeOf<RefusalReason | undefined>();
    expectTypeOf<'origin-malformed'>().toExtend<RefusalReason>();
    expectTypeOf<'nope'>().not.toExtend<RefusalReason>();
    expectTypeOf<'method-malformed'>().toExtend<RefusalReason>();
    expectTypeOf<CorsDecision['privateNetwork']>().toEqualTypeOf<
      PrivateNetworkOutcome | undefined
    >();
    expectTypeOf<PrivateNetworkOutcome>().toEqualTypeOf<'granted' | 'not-granted'>();
  });

  it('tells the two actions apart: only respond carries a status, always', () => {
    expectTypeOf<CorsDecision>().toEqualTypeOf<CorsContinueDecision | CorsRespondDecision>();
    expectTypeOf<CorsRespondDecision['status']>().toEqualTypeOf<number>();
    expectTypeOf<CorsRespondDecision['kind']>().toEqualTypeOf<'preflight'>();
    expectTypeOf<CorsContinueDecision['kind']>().toEqualTypeOf<
      'not-cors' | 'actual' | 'preflight'
    >();
    const decision = {} as CorsDecision;
    if (decision.action === 'respond') expectTypeOf(decision.status).toEqualTypeOf<number>();
    // @ts-expect-error a decision that hands the request on has no status: narrow on `action`.
    void decision.status;
  });

  it('types the hardening options and mergeCorsOptions', () => {
    expectTypeOf<CorsOptions['originTimeout']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CorsOptions['allowPublicSuffixWildcards']>().toEqualTypeOf<
      readonly string[] | undefined
    >();
    const merged = mergeCorsOptions<Ctx>(
      { origin: (_origin, ctx) => ctx.tenant === 'a' },
      undefined,
    );
    expectTypeOf(merged).toEqualTypeOf<CorsOptions<Ctx>>();
    // @ts-expect-error a layer is an options object, not a string.
    mergeCorsOptions('https://app.example.com');
  });

  it('types the helpers adapters use', () => {
    expectTypeOf(mergeVary).returns.toEqualTypeOf<string>();
    expectTypeOf(explainRefusal).returns.toEqualTypeOf<string>();
    expectTypeOf(createRefusingPolicy<Ctx>)
      .parameter(0)
      .toEqualTypeOf<RouteRefusalReason>();
    expectTypeOf(createRefusingPolicy<Ctx>).returns.toEqualTypeOf<CorsPolicy<Ctx>>();
    expectTypeOf<RouteRefusalReason>().toEqualTypeOf<'route-ambiguous' | 'cors-disabled'>();
    // @ts-expect-error a refusing policy gives only the refusals no policy's options make.
    createRefusingPolicy('origin-not-allowed');
    const value: unknown = undefined;
    if (isPromiseLike<CorsDecision>(value))
      expectTypeOf(value).toEqualTypeOf<PromiseLike<CorsDecision>>();
  });

  it('lists configuration issues on the error', () => {
    expectTypeOf<CorsConfigError>().toExtend<Error>();
    expectTypeOf<CorsConfigError['issues']>().toEqualTypeOf<readonly CorsConfigIssue[]>();
    expectTypeOf<CorsConfigIssue['hint']>().toEqualTypeOf<string | undefined>();
  });
});

describe('reconfiguration and cachedOrigins types', () => {
  it('reconfigures with the options of the same request type', () => {
    const policy = createCorsPolicy<Ctx>();
    expectTypeOf(policy.reconfigure).parameter(0).toEqualTypeOf<CorsOptions<Ctx> | undefined>();
    expectTypeOf(policy.options).toEqualTypeOf<CorsOptions<Ctx> | undefined>();
    // @ts-expect-error reconfigure takes options, not an origin.
    policy.reconfigure('https://app.example.com');
  });

  it('narrows with isCorsPolicy', () => {
    const value: unknown = createCorsPolicy();
    if (isCorsPolicy(value)) expectTypeOf(value.reconfigure).toBeFunction();
  });

  it('makes cachedOrigins an origin option of any request type', () => {
    const origin = cachedOrigins(async (requested) => requested.endsWith('.example.com'), {
      ttl: 60_000,
      max: 1_000,
    });
    expectTypeOf(origin).toExtend<CorsOptions<Ctx>['origin']>();
    expectTypeOf(origin.invalidate).parameter(0).toEqualTypeOf<string | undefined>();
    // @ts-expect-error ttl and max are required.
    cachedOrigins(() => true, { ttl: 1 });
  });
});
