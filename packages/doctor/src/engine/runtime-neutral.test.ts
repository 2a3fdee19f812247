import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The judging logic must run on any runtime (a Worker, Deno, a browser extension): no Node
// built-ins under engine/, reports/ or the Fetch-handler transport.
const folders = ['./', '../report/'];
const files = folders.flatMap((folder) => {
  const dir = fileURLToPath(new URL(folder, import.meta.url));
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .map((name) => `${dir}${name}`);
});
files.push(fileURLToPath(new URL('../transport/fetch-handler.ts', import.meta.url)));

describe('runtime-neutral sources', () => {
  it.each(files)('%s imports no Node built-in', (file) => {
    const source = readFileSync(file, 'utf8');
    expect(source).not.toMatch(/from '(node:|fs|http|https|net|path|url|util)[/']/);
    expect(source).not.toMatch(/\b(Buffer|process)\./);
  });
});
