import { defineConfig } from 'tsup';

// The one build config every published package uses (`tsup --config ../../tsup.config.ts`):
// ESM and CommonJS from `src/index.ts`, each with its own declaration file (.d.ts / .d.cts).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'neutral',
  splitting: false,
  sourcemap: false,
  treeshake: true,
});
