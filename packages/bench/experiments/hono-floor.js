// Reference for @cors/hono: the four headers of an allowed GET set on the route's response after
// `next()`, with no decision at all (what @cors/hono does, minus deciding).
export function cors() {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set('Access-Control-Allow-Origin', c.req.raw.headers.get('origin'));
    headers.set('Access-Control-Allow-Credentials', 'true');
    headers.set('Access-Control-Expose-Headers', 'x-request-id');
    headers.set('Vary', 'Origin');
  };
}
