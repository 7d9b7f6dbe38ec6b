// Lint: the few rules that catch real defects, not style (formatting is prettier's job: .prettierrc.json).
// `npm run lint` runs before the tests in `npm test`.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', '.compat/**'] },
  {
    files: ['nodes/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection stops Node-RED): await it or mark it `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a plain callback is expected (an event handler) drops its rejection the same way.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // A value computed and never used is usually a bug (a result not checked, a variable shadowed by a typo).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `any` switches the type checker off: use `unknown` and narrow where data comes in (messages, answers, settings).
      '@typescript-eslint/no-explicit-any': 'error',
      // The width prettier keeps (.prettierrc.json). A line whose length is a text literal (a user-facing sentence,
      // kept whole so it can be found with grep; CSS) is not counted: prettier does not split those either.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true }],
    },
  },
  {
    // Tests, scripts and benchmarks (CommonJS, no type information): values computed and never used.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2024 },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
);
