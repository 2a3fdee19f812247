// Reference for @cors/fetch: the four headers of an allowed GET set on the handler's response,
// with no decision at all (what `withCors` does for it, minus deciding).
function setFloorHeaders(request, response) {
  const { headers } = response;
  headers.set('Access-Control-Allow-Origin', request.headers.get('origin'));
  headers.set('Access-Control-Allow-Credentials', 'true');
  headers.set('Access-Control-Expose-Headers', 'x-request-id');
  headers.set('Vary', 'Origin');
  return response;
}

export function withCors(handler) {
  return (request, ...rest) => {
    const response = handler(request, ...rest);
    return typeof response?.then === 'function'
      ? response.then((settled) => setFloorHeaders(request, settled))
      : setFloorHeaders(request, response);
  };
}
