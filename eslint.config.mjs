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
    },
  },
  { files: ['**/*.mjs', '**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
