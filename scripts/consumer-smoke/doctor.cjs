// @cors/doctor via require, against an in-process Fetch handler (no port).
'use strict';
const assert = require('node:assert/strict');
const { checkCors, formatHtml } = require('@cors/doctor');

const handler = (request) =>
  new Response('hi', {
    headers:
      request.headers.get('origin') === 'http://allowed.test'
        ? { 'access-control-allow-origin': 'http://allowed.test', vary: 'Origin' }
        : { vary: 'Origin' },
  });

(async () => {
  const ok = await checkCors({ fetch: handler }, { origin: 'http://allowed.test' });
  assert.equal(ok.outcome, 'readable', 'doctor (require): allowed');
  const refused = await checkCors({ fetch: handler }, { origin: 'http://other.test' });
  assert.equal(refused.outcome, 'withheld', 'doctor (require): refused');
  assert.match(formatHtml(refused), /<table>/);
  console.log('@cors/doctor: require ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
