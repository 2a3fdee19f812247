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

// Own config only to run the public-type tests (`*.test-d.ts`) with vitest's type checker.
export default defineProject({
  resolve: { alias },
  test: {
    name: 'core',
    root: fileURLToPath(new URL('./', import.meta.url)),
    include: ['src/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.test.json',
    },
  },
});
