// Reference for @cors/fastify: the four headers of an allowed GET set on the reply in an
// `onRequest` hook (where @cors/fastify and @fastify/cors decide), with no decision at all,
// under lowercase names as @cors/fastify gives them (Fastify then has nothing to convert).

/** The hook itself, also what `nestjs-floor.js` installs on @nestjs/platform-fastify. */
export function setFloorHeaders(request, reply, next) {
  reply.header('access-control-allow-origin', request.headers.origin);
  reply.header('access-control-allow-credentials', 'true');
  reply.header('access-control-expose-headers', 'x-request-id');
  reply.header('vary', 'Origin');
  next();
}

// Not encapsulated (Fastify's `skip-override`, what fastify-plugin sets), so the hook applies to
// the app's routes, as the real plugins' does.
function floorPlugin(fastify, _options, done) {
  fastify.addHook('onRequest', setFloorHeaders);
  done();
}
floorPlugin[Symbol.for('skip-override')] = true;

export const cors = floorPlugin;
export default floorPlugin;
