// The layer rules (README "Architecture"), checked by `npm run lint:deps` in CI. Imports point
// downward: the renderer and preload talk to main only over the IPC contract in src/shared, and
// Electron stays in the desktop shell so the engine, the CLI and the tests run on plain Node.

/** electron as it resolves (its package) or, if it ever fails to resolve, as written. */
const ELECTRON = '^(node_modules/electron/|electron$)'

module.exports = {
  forbidden: [
    {
      name: 'providers-behind-the-port',
      comment:
        'Nothing outside src/main/providers/ names a provider: everything works from the port ' +
        '(providers/provider.ts) and the registry (providers/registry.ts).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/providers/' },
      to: { path: '^src/main/providers/[^/]+/' },
    },
    {
      name: 'electron-only-in-shell',
      comment:
        'Only the desktop shell (src/main/app) and the preload load electron: the engine, the CLI ' +
        'and the renderer must run without it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main/app|preload)/' },
      to: { path: ELECTRON },
    },
    {
      name: 'electron-at-run-time-only-from-main-ts',
      comment:
        'Inside src/main/app only main.ts loads electron at run time; the other shell modules ' +
        'take its objects as arguments (import type), so their tests run without the binary.',
      severity: 'error',
      from: { path: '^src/main/app/', pathNot: '^src/main/app/main[.]ts$' },
      to: { path: ELECTRON, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-stands-alone',
      comment: 'src/shared is the contract every side uses: it imports none of them.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(main|renderer|cli|preload)/' },
    },
    {
      name: 'renderer-only-shared',
      comment:
        'The renderer is a web page: it imports its own files, src/shared, assets and its UI ' +
        'libraries, and reaches main only through the preload API.',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: {
        pathNot: [
          '^src/(renderer|shared)/',
          '^assets/',
          '^node_modules/(react|react-dom|zod)/',
          // Long lists (a retention preview, the backups in the cloud) are virtualized.
          '^node_modules/@tanstack/(react-virtual|virtual-core)/',
          // global.d.ts: the types of Vite's asset imports.
          '^node_modules/vite/client[.]d[.]ts$',
        ],
      },
    },
    {
      name: 'preload-only-shared',
      comment: 'The preload bridges to main over IPC: electron, its own files and src/shared.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { pathNot: ['^src/(preload|shared)/', ELECTRON] },
    },
    {
      name: 'main-not-faces',
      comment: 'The engine serves the CLI and the window; it never imports either of them.',
      severity: 'error',
      from: { path: '^src/main/' },
      to: { path: '^src/(renderer|cli|preload)/' },
    },
    {
      name: 'cli-not-shell',
      comment: 'The CLI drives the engine headless: no desktop shell, renderer or preload.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(main/app|renderer|preload)/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment:
        'An import the cruiser cannot resolve would slip past every rule above; it is also a bug.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules' },
    // Paths as imported, not as resolved: a node_modules that is a symlink (a shared install in
    // a worktree) still reads as node_modules/…
    preserveSymlinks: true,
    // Type-only imports count as dependencies (typed "type-only"), so cycles through types and
    // types from a forbidden layer are caught too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
}
