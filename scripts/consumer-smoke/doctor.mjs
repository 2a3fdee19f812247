// @cors/doctor from a consumer: the library via import, and the `cors-doctor` bin via npx.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { writeFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { auditCors, checkCors } from '@cors/doctor';
import { cors } from '@cors/node';

const ALLOWED = 'http://allowed.test';
const handle = cors({ origin: [ALLOWED], credentials: true, allowedHeaders: ['content-type'] });
const listener = async (req, res) => {
  if (await handle(req, res)) return;
  res.end('hello');
};

const check = await checkCors(listener, { origin: ALLOWED, method: 'PUT', credentials: true });
assert.equal(check.outcome, 'readable', 'doctor (import): allowed PUT');
const audit = await auditCors(listener, { origin: ALLOWED });
assert.equal(audit.ok, true, 'doctor (import): audit of @cors/node');

const server = createServer(listener);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/hello`;
const run = (args) =>
  new Promise((resolve) =>
    execFile('npx', ['--no-install', 'cors-doctor', url, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, output: stdout + stderr }),
    ),
  );
try {
  assert.equal(
    (await run(['--origin', ALLOWED])).code,
    0,
    'cors-doctor bin: allowed origin exits 0',
  );
  const refused = await run(['--origin', 'http://other.test', '--method', 'DELETE']);
  assert.equal(refused.code, 1, 'cors-doctor bin: refused origin exits 1');
  assert.match(refused.output, /refuses the preflight/);
  // Plain Node before 22.18 cannot import TypeScript: the CLI says what to do instead.
  await writeFile('policy.ts', 'export default { origin: ["http://allowed.test"] };\n');
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 18)) {
    const ts = await run(['--expect', 'policy.ts']);
    assert.equal(ts.code, 2, 'cors-doctor bin: .ts policy on an old Node exits 2');
    assert.match(ts.output, /install tsx in the project/);
  }
  await writeFile(
    'policy.json',
    JSON.stringify({ origin: [ALLOWED], credentials: true, allowedHeaders: ['content-type'] }),
  );
  const policy = await run(['--expect', 'policy.json']);
  assert.equal(policy.code, 0, `cors-doctor bin: --expect policy.json\n${policy.output}`);
} finally {
  server.close();
}
console.log('@cors/doctor: import and bin ok');
