// A Node module-resolution hook (module.register) that answers `electron` with the fake module.
// Code Node loads natively (electron-store, which imports `electron` itself, and the built
// out/main/index.js in the launch smoke test) then gets the fake instead of the real package,
// whose first import would try to download Electron's binary.
import type { ResolveHook } from 'node:module'

const FAKE = new URL('./fake-electron-module.ts', import.meta.url).href

export const resolve: ResolveHook = (specifier, context, next) =>
  specifier === 'electron' ? { url: FAKE, shortCircuit: true } : next(specifier, context)
