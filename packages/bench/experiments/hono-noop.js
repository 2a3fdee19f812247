// Reference for @cors/hono: a middleware that does nothing (what any Hono middleware costs).
export function cors() {
  return async (_c, next) => {
    await next();
  };
}
