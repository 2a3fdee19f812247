import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    // Plain CommonJS files (the consumer smoke test) load packages with require on purpose.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      // Packages meet only through their public entry points.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@cors/*/*'],
              message: 'Import the package entry (@cors/<name>), not its files.',
            },
            {
              group: ['../../*/src', '../../*/src/*', '../../../packages/*'],
              message: 'Import another package by its name.',
            },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // @cors/core and @cors/hono run on any Web-standard runtime: no Node built-ins.
    files: ['packages/core/src/**/*.ts', 'packages/hono/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'This package must run on every Web-standard runtime.' },
            {
              group: ['@cors/*/*'],
              message: 'Import the package entry (@cors/<name>), not its files.',
            },
          ],
        },
      ],
    },
  },
);
