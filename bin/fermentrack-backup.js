#!/usr/bin/env node
import module from 'node:module'

// The CLI runs from its TypeScript source: Node 22.18+ strips the types itself, so a checkout needs
// no build step before `npx fermentrack-backup` works. npm scripts and npx use the project's Node 24.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `fermentrack-backup needs Node 22.18 or newer (this is ${process.version}). ` +
      'Run it as `npx fermentrack-backup`, which uses the Node 24 the project installs.',
  )
  process.exit(1)
}
// Node keeps the compiled modules in its cache folder (under the OS temp dir) between runs:
// start-up went from ~0.25 s to ~0.14 s here, and it matters more on a Pi.
module.enableCompileCache()
await import('../src/cli/main.ts')
