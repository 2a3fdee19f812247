// Reference for @cors/fastify: the four headers of an allowed GET set on the reply in an
// `onRequest` hook (where @cors/fastify and @fastify/cors decide), with no decision at all.
// Not encapsulated (Fastify's `skip-override`, what fastify-plugin sets), so the hook applies to
// the app's routes, as the real plugins' does.
function floorPlugin(fastify, _options, done) {
  fastify.addHook('onRequest', function onRequest(request, reply, next) {
    reply.header('Access-Control-Allow-Origin', request.headers.origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
    reply.header('Access-Control-Expose-Headers', 'x-request-id');
    reply.header('Vary', 'Origin');
    next();
  });
  done();
}
floorPlugin[Symbol.for('skip-override')] = true;

export const cors = floorPlugin;
export default floorPlugin;
