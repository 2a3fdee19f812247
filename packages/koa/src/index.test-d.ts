import Router from '@koa/router';
import Koa, { type Context, type Middleware } from 'koa';
import { expectTypeOf } from 'vitest';
import {
  cors,
  createCorsPolicy,
  CorsConfigError,
  type CorsDecision,
  type CorsOptions,
  type ReconfigurableCorsPolicy,
} from './index.js';

expectTypeOf(cors).returns.toEqualTypeOf<Middleware>();
expectTypeOf(cors)
  .parameter(0)
  .toEqualTypeOf<CorsOptions<Context> | ReconfigurableCorsPolicy<Context> | undefined>();
// A policy built for any request type fits.
cors(createCorsPolicy({ origin: 'https://app.example.com' }));
cors(createCorsPolicy<Context>({ origin: (origin, ctx) => ctx.hostname === origin }));
expectTypeOf(CorsConfigError).instance.toHaveProperty('issues');

// The origin function and onDecision get the Koa ctx; the origin function may be async.
cors({
  origin: async (origin, ctx) => {
    expectTypeOf(origin).toEqualTypeOf<string>();
    expectTypeOf(ctx).toEqualTypeOf<Context>();
    return ctx.hostname === 'api.example.com';
  },
  onDecision: (decision, ctx) => {
    expectTypeOf(decision).toEqualTypeOf<CorsDecision>();
    expectTypeOf(ctx).toEqualTypeOf<Context>();
  },
});

// It fits everywhere Koa and @koa/router take middleware.
const app = new Koa();
app.use(cors());
const router = new Router();
router.use(cors({ origin: 'https://app.example.com' }));
router.all('{/*path}', cors({ origin: 'https://app.example.com' }));
router.get('/items', cors({ origin: 'https://app.example.com' }), (ctx) => {
  ctx.body = [];
});

// @ts-expect-error a boolean is not an origin (use '*' or list the origins)
cors({ origin: true });
// @ts-expect-error methods is a list, not a comma-separated string
cors({ methods: 'GET,POST' });
