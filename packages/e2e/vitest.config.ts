import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('../', import.meta.url));

// The same `@cors/<name>` → `packages/<name>/src/index.ts` map as the root config, so the
// browser judges the adapters' sources, not a stale build.
const alias = Object.fromEntries(
  readdirSync(packagesDir)
    .filter((name) => existsSync(`${packagesDir}${name}/src/index.ts`))
    .map((name) => [`@cors/${name}`, `${packagesDir}${name}/src/index.ts`]),
);

export default defineProject({
  resolve: { alias },
  // NestJS needs legacy (TypeScript "experimental") decorators. No decorator metadata is
  // emitted: controllers have no constructor dependencies, and Nest code here must not rely on it.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: false } },
  test: {
    name: 'e2e',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['src/**/*.test.ts'],
    // One Chromium and a few dozen servers for the whole file: generous, and still a few
    // minutes at most on a slow CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
