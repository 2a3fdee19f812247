// Reference for @cors/koa: a middleware that does nothing (what any Koa middleware costs).
export function cors() {
  return (_ctx, next) => next();
}
