import type { DynamicModule } from '@nestjs/common';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AllowOrigin,
  CorsModule,
  DisableCors,
  type CorsConfigError,
  type CorsDecision,
} from './index.js';

interface AppRequest {
  readonly headers: Record<string, string | undefined>;
}
class ConfigLike {
  get(_key: string): string {
    return '';
  }
}

describe('public types', () => {
  it('types the decorators for classes and methods', () => {
    expectTypeOf(AllowOrigin('*')).toExtend<ClassDecorator & MethodDecorator>();
    expectTypeOf(DisableCors()).toExtend<ClassDecorator & MethodDecorator>();
  });

  it("gives an origin function and onDecision the app's request type", () => {
    AllowOrigin<AppRequest>(
      (origin, request) => {
        expectTypeOf(origin).toEqualTypeOf<string>();
        expectTypeOf(request).toEqualTypeOf<AppRequest>();
        return request.headers['x-tenant'] !== undefined;
      },
      {
        onDecision: (decision, request) => {
          expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
          expectTypeOf(request).toEqualTypeOf<AppRequest>();
        },
      },
    );
  });

  it('takes the origin as the first argument only', () => {
    // @ts-expect-error origin is not one of the options
    AllowOrigin('*', { origin: 'https://app.example.com' });
  });

  it('builds dynamic modules', () => {
    expectTypeOf(CorsModule.forRoot()).toEqualTypeOf<DynamicModule>();
    expectTypeOf(
      CorsModule.forRootAsync({
        inject: [ConfigLike],
        useFactory: (config: ConfigLike) => ({ origin: config.get('CORS_ORIGIN') }),
      }),
    ).toEqualTypeOf<DynamicModule>();
    expectTypeOf<CorsConfigError>().toExtend<Error>();
  });
});
