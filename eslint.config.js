import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'release', 'dist', 'test-results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-imports': 'off',
      // `import { type A } from 'm'` still loads m at run time (verbatimModuleSyntax keeps it as
      // `import {} from 'm'`), yet reads as type-only, to people and to dependency-cruiser alike.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // The architecture's hard rule: only the Electron shell (and the preload) may load electron.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts', 'test/**/*.tsx'],
    ignores: ['src/main/app/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/app/ and src/preload/ may import electron.',
            },
          ],
        },
      ],
    },
  },
  { files: ['src/renderer/**/*'], languageOptions: { globals: { ...globals.browser } } },
)
