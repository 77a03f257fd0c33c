// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** kafkajs is unmaintained: only the adapter knows it, so replacing the client touches activities/kafka alone. */
const kafkajsOnlyInAdapter = {
  name: 'kafkajs',
  message:
    'Reach Kafka through the adapter (activities/kafka/): kafkaClient, KafkaAdmin, KafkaConsumer, KafkaProducer.',
};

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', 'coverage/**', '.data/**', '.data-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Every .ts file belongs to tsconfig.json; the two config files at the root are plain JS.
        projectService: { allowDefaultProject: ['eslint.config.mjs', 'jest.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A promise nobody awaits fails unseen (in a workflow: every later workflow task); `void` marks the
      // few fire-and-forget calls, each with a why-comment.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: async methods implement Promise-returning interfaces; without `async` their errors would throw
      // synchronously instead of rejecting.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['activities/kafka/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [kafkajsOnlyInAdapter] }] },
  },
  {
    // Off in tests: they read HTTP and JSON answers as any and assert on them, so a wrong shape fails there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
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
          paths: [
            ...[...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
              name,
              message: 'Workflow code must be deterministic and free of I/O: move this into an activity.',
            })),
            // This block replaces the rule's options for workflow files, so it restates the adapter's.
            kafkajsOnlyInAdapter,
          ],
          patterns: [
            {
              group: ['**/activities', '**/activities/**', '@temporalio/activity', '@temporalio/worker'],
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
