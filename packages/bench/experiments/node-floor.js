// Reference for @cors/node: the four headers of an allowed GET set with no decision at all, the
// least any CORS layer that sends them can cost. Only right for the allowed-GET workload.
export function cors() {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'x-request-id');
    res.setHeader('Vary', 'Origin');
    if (next) return next();
    return false;
  };
}
