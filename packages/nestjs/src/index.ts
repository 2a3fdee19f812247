export { CorsModule } from './cors.module.js';
export type { CorsModuleAsyncOptions } from './cors.module.js';
export { AllowOrigin, DisableCors } from './allow-origin.decorator.js';
export type { AllowOriginOptions } from './allow-origin.decorator.js';
export { CorsConfigError } from '@cors/core';
export type { CorsDecision, CorsOptions, OriginFunction, OriginOption } from '@cors/core';
