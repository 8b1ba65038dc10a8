import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.baton/', 'dist/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code is replayed: it must stay deterministic and free of I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'child_process', 'http', 'https', 'net', 'os', 'crypto'], message: 'Workflow code must not use Node built-ins.' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@kubernetes/*'], message: 'Workflow code must not import I/O libraries.' },
          { group: ['../activities/*', '../activities/**'], allowTypeImports: true, message: 'Import activities with `import type` only.' },
        ],
      }],
      'no-restricted-globals': ['error', 'setInterval', 'process'],
    },
  },
  {
    // The argocd zone talks to Argo CD's API only; Application objects are never written through Kubernetes.
    files: ['src/activities/argocd/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@kubernetes/*', '../cluster/*', '../cluster/**'], message: 'The argocd trust zone must not touch the Kubernetes API.' }] }],
    },
  },
);
