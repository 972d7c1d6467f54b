// Values that electron.vite.config.ts writes into the main-process bundle at build time.

/** package.json `homepage`: where the project's documentation lives. */
declare const __PROJECT_HOMEPAGE__: string
