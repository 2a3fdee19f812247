import type { CorsOptions, OriginOption } from '@cors/core';
import { SetMetadata } from '@nestjs/common';
import { ALLOW_ORIGIN_METADATA, DISABLE_CORS_METADATA } from './constants.js';

/** The options of `@AllowOrigin()`: every CORS option but `origin`, its first argument. */
export type AllowOriginOptions<Request = unknown> = Omit<CorsOptions<Request>, 'origin'>;

/** What `@AllowOrigin()` records on a controller class or a handler method. */
export interface AllowOriginDeclaration {
  /** The `origin` argument; `undefined` keeps the controller's or the module's origin (else `'*'`). */
  readonly origin: OriginOption<never> | undefined;
  /** The options argument, merged option by option over the controller's and the module's. */
  readonly options: Readonly<CorsOptions<never>>;
}

/**
 * Gives a controller (every handler in it) or one handler its own CORS policy. Options are
 * merged option by option: handler over controller over `CorsModule.forRoot()` defaults.
 * With no `origin`, the controller's or the module's origin is used, else `'*'`.
 * Preflights for the route are answered with this policy, before any guard or interceptor runs.
 *
 * @example
 * @AllowOrigin(['https://admin.example.com'], { credentials: true, maxAge: 600 })
 * @Controller('admin')
 * export class AdminController {
 *   @AllowOrigin(undefined, { maxAge: 60 }) // same origins, shorter preflight cache
 *   @Delete(':id')
 *   remove(): void {}
 * }
 */
export function AllowOrigin<Request = unknown>(
  origin?: OriginOption<Request>,
  options?: AllowOriginOptions<Request>,
): ClassDecorator & MethodDecorator {
  // Checked when the app boots, merged with the defaults it inherits, so that a bad value is
  // reported as a CorsConfigError naming the route (SPEC: errors at start-up, never per request).
  const declaration: AllowOriginDeclaration = {
    origin: origin as OriginOption<never> | undefined,
    // Kept as given (a spread would drop inherited options unseen): read at bootstrap with
    // mergeCorsOptions, which refuses inherited and unknown names (issue 18).
    options: (options ?? {}) as CorsOptions<never>,
  };
  return SetMetadata(ALLOW_ORIGIN_METADATA, declaration);
}

/**
 * Switches CORS off for a controller or one handler: no grant there, whatever the module
 * defaults say, and its preflights are refused (403). The most specific declaration wins: a
 * handler's `@AllowOrigin()` overrides its controller's `@DisableCors()`, and the reverse.
 *
 * @example
 * @DisableCors()
 * @Post('webhooks/payment')
 * receive(): void {}
 */
export function DisableCors(): ClassDecorator & MethodDecorator {
  return SetMetadata(DISABLE_CORS_METADATA, true);
}
