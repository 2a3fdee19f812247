import { describe, expectTypeOf, it } from 'vitest';
import {
  createCorsPolicy,
  type CorsDecision,
  type CorsDecisionKind,
  type UpgradeRequest,
  type UpgradeWithoutOrigin,
} from './index.js';

/** A framework request, as an adapter hands it on. */
interface IncomingMessage {
  readonly headers: { readonly host?: string };
}

describe('upgrade types', () => {
  it('checks a handshake with the request type of the policy', () => {
    const policy = createCorsPolicy<IncomingMessage>({
      origin: (_origin, request) => request.headers.host === 'api.example.com',
    });
    expectTypeOf(policy.checkUpgrade).parameter(0).toEqualTypeOf<UpgradeRequest<IncomingMessage>>();
    expectTypeOf(policy.checkUpgrade).returns.toEqualTypeOf<CorsDecision | Promise<CorsDecision>>();
    // @ts-expect-error the request is the framework's request, not a string
    policy.checkUpgrade({ origin: 'https://app.example.com', request: 'req' });
  });

  it("adds 'upgrade' to the decision kinds and types upgradeWithoutOrigin", () => {
    expectTypeOf<CorsDecisionKind>().toEqualTypeOf<
      'not-cors' | 'actual' | 'preflight' | 'upgrade'
    >();
    expectTypeOf<UpgradeWithoutOrigin>().toEqualTypeOf<'allow' | 'refuse'>();
    // @ts-expect-error only 'allow' or 'refuse'
    createCorsPolicy({ upgradeWithoutOrigin: true });
  });
});
