// The few parts of autocannon's programmatic API the HTTP benchmark uses (it ships no types).
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    connections?: number;
    pipelining?: number;
    duration?: number;
    sampleInt?: number;
    timeout?: number;
  }
  interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number; average: number };
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}

// Koa and @koa/cors ship no types and this package has no @types for them: the parts used here.
declare module 'koa' {
  import type { RequestListener } from 'node:http';
  export interface Context {
    get(field: string): string;
    body: unknown;
  }
  export type Middleware = (ctx: Context, next: () => Promise<unknown>) => unknown;
  export default class Koa {
    use(middleware: Middleware): this;
    callback(): RequestListener;
  }
}

declare module '@koa/cors' {
  import type { Context, Middleware } from 'koa';
  interface KoaCorsOptions {
    origin?: string | ((ctx: Context) => string | Promise<string>);
    credentials?: boolean;
    exposeHeaders?: string | string[];
    allowMethods?: string | string[];
    allowHeaders?: string | string[];
    maxAge?: number | string;
  }
  export default function cors(options?: KoaCorsOptions): Middleware;
}
