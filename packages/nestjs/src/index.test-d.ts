import type { DynamicModule } from '@nestjs/common';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AllowOrigin,
  CorsModule,
  DisableCors,
  type CorsConfigError,
  type CorsDecision,
  type CorsOptionsFactory,
  type ModuleDefaults,
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

  it('takes exactly one of useFactory, useClass and useExisting', () => {
    class OptionsFactory implements CorsOptionsFactory {
      createCorsOptions(): Promise<ModuleDefaults> {
        return Promise.resolve({ origin: 'https://app.example.com' });
      }
    }
    expectTypeOf(
      CorsModule.forRootAsync({ useClass: OptionsFactory }),
    ).toEqualTypeOf<DynamicModule>();
    expectTypeOf(
      CorsModule.forRootAsync({ useExisting: OptionsFactory }),
    ).toEqualTypeOf<DynamicModule>();
    // @ts-expect-error one way to build the defaults
    CorsModule.forRootAsync({ useClass: OptionsFactory, useFactory: () => ({}) });
    // @ts-expect-error `inject` is for useFactory
    CorsModule.forRootAsync({ useClass: OptionsFactory, inject: [ConfigLike] });
  });
});
