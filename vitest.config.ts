import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(`${packagesDir}${name}/package.json`),
);

// Tests run against the sources: `@cors/<name>` resolves to `packages/<name>/src/index.ts`,
// so no build is needed and a change is tested at once.
const alias = Object.fromEntries(
  packages
    .filter((name) => existsSync(`${packagesDir}${name}/src/index.ts`))
    .map((name) => [`@cors/${name}`, `${packagesDir}${name}/src/index.ts`]),
);

// One project per package. A package with its own vitest.config.ts (e.g. one that needs a
// decorator transform or longer timeouts) uses it; the others get the defaults below.
const projects: (string | TestProjectInlineConfiguration)[] = packages.map((name) =>
  existsSync(`${packagesDir}${name}/vitest.config.ts`)
    ? `${packagesDir}${name}/vitest.config.ts`
    : {
        extends: true,
        test: { name, root: `${packagesDir}${name}`, include: ['src/**/*.test.ts'] },
      },
);

// Examples are apps, not packages; the one with an integration test is a project of its own.
// It starts a real PostgreSQL server (see examples/tenants-postgres/README.md), hence the
// longer timeouts.
projects.push({
  extends: true,
  test: {
    name: 'tenants-postgres',
    root: fileURLToPath(new URL('./examples/tenants-postgres/', import.meta.url)),
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

// The metrics example's tests start its server and scrape /metrics (issue 20).
projects.push({
  extends: true,
  test: {
    name: 'example-metrics',
    root: fileURLToPath(new URL('./examples/metrics/', import.meta.url)),
    include: ['src/**/*.test.ts'],
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    projects,
    typecheck: { enabled: false },
  },
});
