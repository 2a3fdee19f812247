import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The same `@cors/<name>` → sources map as the root config, so tests need no build.
const packagesDir = fileURLToPath(new URL('../', import.meta.url));
const alias = Object.fromEntries(
  readdirSync(packagesDir)
    .filter((name) => existsSync(`${packagesDir}${name}/src/index.ts`))
    .map((name) => [`@cors/${name}`, `${packagesDir}${name}/src/index.ts`]),
);

// Own config for the NestJS test server's legacy decorators (no metadata is emitted: its
// controllers have no constructor dependencies).
export default defineProject({
  resolve: { alias },
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: false } },
  test: {
    name: 'doctor',
    root: fileURLToPath(new URL('./', import.meta.url)),
    include: ['src/**/*.test.ts'],
  },
});
