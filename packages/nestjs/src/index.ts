export { CorsModule } from './cors.module.js';
export type { CorsModuleAsyncOptions, CorsOptionsFactory, ModuleDefaults } from './cors.module.js';
export { AllowOrigin, DisableCors } from './allow-origin.decorator.js';
export type { AllowOriginOptions } from './allow-origin.decorator.js';
export { corsGatewayAdapter } from './ws/cors-gateway-adapter.js';
export type { WebSocketAdapterClass } from './ws/cors-gateway-adapter.js';
export { CorsConfigError, cachedOrigins, createCorsPolicy } from '@cors/core';
export type {
  CachedOrigins,
  CachedOriginsOptions,
  CorsDecision,
  CorsOptions,
  OriginFunction,
  OriginOption,
  ReconfigurableCorsPolicy,
} from '@cors/core';
