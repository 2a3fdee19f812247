// Reference for @cors/hono: the same headers set before the route with `c.header()`, so Hono
// builds the route's response with them.
export function cors() {
  return async (c, next) => {
    c.header('Access-Control-Allow-Origin', c.req.raw.headers.get('origin'));
    c.header('Access-Control-Allow-Credentials', 'true');
    c.header('Access-Control-Expose-Headers', 'x-request-id');
    c.header('Vary', 'Origin');
    await next();
  };
}
