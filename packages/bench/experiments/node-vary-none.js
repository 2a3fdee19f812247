import { createCorsPolicy, isPromiseLike, VARY, mergeVary } from '@cors/core';
export { CorsConfigError } from '@cors/core';

// src/index.ts
function cors(options) {
  const policy = createCorsPolicy(options);
  function finish(res, decision, next) {
    const { headers } = decision;
    for (const name in headers) res.setHeader(name, headers[name]);
    addVary(res, decision.vary);
    const ended = decision.action === 'respond';
    if (ended) {
      res.statusCode = decision.status ?? 204;
      res.end();
    } else if (next) {
      next();
    }
    return ended;
  }
  function fail(res, error, next) {
    if (!res.headersSent) addVary(res, policy.errorVary);
    if (!next) throw error;
    next(error);
    return false;
  }
  function handle(req, res, next) {
    const { headers } = req;
    let decision;
    try {
      decision = policy.evaluate({
        method: req.method ?? '',
        // Node joins repeated headers with ", "; the core refuses such an Origin as it is.
        origin: headers.origin,
        requestMethod: headers['access-control-request-method'],
        requestHeaders: headers['access-control-request-headers'],
        requestPrivateNetwork: oneValue(headers['access-control-request-private-network']),
        request: req,
      });
    } catch (error) {
      fail(res, error, next);
      return void 0;
    }
    if (isPromiseLike(decision)) {
      const settled = Promise.resolve(decision).then(
        // Something else (a timeout middleware, say) answered while the origin function ran:
        // the response is ended, so leave it be.
        (answer) => (res.headersSent ? true : finish(res, answer, next)),
        (error) => fail(res, error, next),
      );
      return next ? void 0 : settled;
    }
    const ended = finish(res, decision, next);
    return next ? void 0 : ended;
  }
  return handle;
}
function addVary(res, names) {
  if (names.length === 0) return;
  res.setHeader(VARY, mergeVary(res.getHeader(VARY), names));
}

function oneValue(value) {
  return typeof value === 'object' ? value.join(', ') : value;
}
export { cors };
