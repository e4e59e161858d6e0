// Flat config: @eslint/js and typescript-eslint recommended everywhere, plus the type-aware promise rules on
// the TypeScript sources: an un-awaited remote step or a promise passed where a callback is expected is the
// bug that matters most in an action that orchestrates SSH sessions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Bundles (the action's dist/, the stub's built web UI) are generated, not linted.
  { ignores: ['**/dist/', 'lib/', 'coverage/', '**/node_modules/', '.bed/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node scripts; the `globals` package is only a transitive dependency, so the few globals are listed here.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      // Escaping remote output for logs and Markdown matches control characters on purpose.
      'no-control-regex': 'off',
    },
  },
);
