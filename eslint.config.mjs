// Type-aware linting (typescript-eslint's recommendedTypeChecked) of the TypeScript tree, with
// floating and misused promises as errors: an un-awaited promise in an activity or a client call
// is a lost failure. Plain .mjs scripts are linted without type information. Formatting is
// Prettier's job (`npm run lint` runs both, then tsc).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', '.venv/', '.trainctl/', 'dist/', 'lib/hyperopt/dist/', 'models/', 'reports/', 'logs/', 'bench/.out/'] },
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_`-prefixed names are deliberately unused (omitting fields by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Activities, data sources and registry transactions are async by contract even when one
      // implementation has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and benchmarks assert on JSON they parse from CLI output, HTTP bodies and Python
    // references (typed `any` by JSON.parse): checking those values is what the assertions do.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
