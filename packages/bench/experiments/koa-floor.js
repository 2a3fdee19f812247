// Reference for @cors/koa: the four headers of an allowed GET set with no decision at all.
export function cors() {
  return (ctx, next) => {
    ctx.set('Access-Control-Allow-Origin', ctx.req.headers.origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    ctx.set('Access-Control-Expose-Headers', 'x-request-id');
    ctx.vary('Origin');
    return next();
  };
}
