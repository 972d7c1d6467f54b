// Builds the Electron app into out/: main (ESM), preload (one CommonJS file) and renderer.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import packageJson from './package.json' with { type: 'json' }
import { builtInKeysDefine } from './scripts/built-in-keys.ts'

const root = import.meta.dirname

// The renderer's Content-Security-Policy (src/renderer/index.html) is strict. Vite's dev server
// injects CSS as <style> elements, which `style-src 'self'` blocks, so `electron-vite dev` alone
// gets 'unsafe-inline' for styles. Scripts (React Refresh included) and the HMR WebSocket work
// under 'self' as they are. Builds keep the strict policy.
const DEV_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

function devContentSecurityPolicy(): Plugin {
  return {
    name: 'fermentrack:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const strict = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/
      if (!strict.test(html)) throw new Error('index.html has no Content-Security-Policy meta tag')
      return html.replace(strict, `$1${DEV_CSP}$2`)
    },
  }
}

export default defineConfig({
  main: {
    define: {
      // Only the one field, rather than bundling all of package.json into the main process.
      __PROJECT_HOMEPAGE__: JSON.stringify(packageJson.homepage),
      // FTB_BUILTIN_DROPBOX_APP_KEY … at build time: a release that works with no setup.
      ...builtInKeysDefine(process.env),
    },
    build: {
      outDir: resolve(root, 'out/main'),
      // Dependencies stay `import`s resolved from node_modules at run time; keytar is native
      // and can't be bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src/main/app/main.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can only require('electron') and a few built-ins, so anything else
      // must be bundled in, and it can't be an ES module.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    plugins: [react(), devContentSecurityPolicy()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
})
