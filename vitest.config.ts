import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suites start real servers, processes and a keychain: two cores, so keep files parallel but few.
    maxWorkers: 2,
    // `import 'electron'` in natively loaded code (electron-store) gets the fake module.
    setupFiles: ['test/support/electron/register.ts'],
  },
})
