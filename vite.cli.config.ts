// Builds the command-line tool (src/cli/main.ts) into out/cli/index.js: one ES module for
// Node 24 that imports its dependencies from node_modules instead of bundling them.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { builtInKeysDefine } from './scripts/built-in-keys.ts'

const root = import.meta.dirname

export default defineConfig({
  root,
  publicDir: false,
  // FTB_BUILTIN_DROPBOX_APP_KEY … at build time, the same keys as the app's (see the script).
  define: builtInKeysDefine(process.env),
  // An SSR build targets Node: built-ins stay imports, and every package in node_modules is
  // left external (keytar is native and can't be bundled anyway).
  ssr: { target: 'node' },
  build: {
    ssr: resolve(root, 'src/cli/main.ts'),
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node24',
    minify: false,
    rolldownOptions: {
      output: { format: 'es', entryFileNames: 'index.js' },
    },
  },
})
