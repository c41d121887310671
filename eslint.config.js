// ESLint flat config: the recommended rules of JavaScript, TypeScript (without type information, for
// speed: `tsc` and `svelte-check` already check the types) and Svelte, with Node and browser globals.
import js from '@eslint/js';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'dist/', 'client/dist/', 'data/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a binding kept on purpose (a handler's unused `req`, a skipped tuple slot).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Declaration merging (`interface User extends Principal {}` for Express) is how libraries are typed.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Sniffing uploaded bytes and cleaning file names match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    // A `let` assigned once after a closure that reads it (a stop function declared before what it stops).
    rules: { 'prefer-const': ['error', { ignoreReadBeforeAssign: true }] },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // State classes replace `$state.raw` values whole and keep private caches that must not re-render;
      // every Map, Set, Date or URL the rule points at is a temporary or such a cache.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  { files: ['client/**/*.svelte', 'client/**/*.svelte.ts'], languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } } },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai asserts with properties (`expect(list).to.be.empty`).
      '@typescript-eslint/no-unused-expressions': 'off',
      // Tests probe the JSON of answers field by field; the answers' types are the shared response schemas.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
