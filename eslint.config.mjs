// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', 'coverage/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: 'error',
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins (I/O, clocks, randomness)
    // and no activity implementations — workflows reach activities only through proxyActivities and types.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
            name,
            message: 'Workflow code must be deterministic and free of I/O: move this into an activity.',
          })),
          patterns: [
            {
              group: [
                '**/activities',
                '**/activities/**',
                'kafkajs',
                '@temporalio/activity',
                '@temporalio/worker',
              ],
              allowTypeImports: true,
              message:
                'Workflows may import activity types only (import type …) and call them via proxyActivities.',
            },
          ],
        },
      ],
    },
  },
);
