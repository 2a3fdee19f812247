// `Symbol.for` keeps the keys equal when an app loads both the ESM and the CommonJS build of
// this package (a decorator from one, the module from the other).

/** Injection token of the module defaults given to `CorsModule.forRoot()` / `forRootAsync()`. */
export const CORS_MODULE_OPTIONS: unique symbol = Symbol.for('@cors/nestjs:module-options');

/** Metadata key of `@AllowOrigin()` on a controller class or a handler method. */
export const ALLOW_ORIGIN_METADATA: unique symbol = Symbol.for('@cors/nestjs:allow-origin');

/** Metadata key of `@DisableCors()` on a controller class or a handler method. */
export const DISABLE_CORS_METADATA: unique symbol = Symbol.for('@cors/nestjs:disable-cors');
