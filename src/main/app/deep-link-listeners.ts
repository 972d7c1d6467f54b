// Where deep links come from, per platform (shared/reference/electron.md, "Custom-protocol OAuth
// deep links"). Electron's app comes in as an argument so the routing runs under plain Node.
import path from 'node:path'
import type { App } from 'electron'
import { SCHEME } from '../auth/callback-url.ts'
import { DEV_SCHEME, findDeepLink, type DeepLinkRouter } from './deep-link-router.ts'

export interface DeepLinkListenerOptions {
  app: Pick<App, 'on'>
  router: DeepLinkRouter
  /** The schemes this build answers to (acceptedSchemes). */
  schemes: readonly string[]
  /** This process's own command line: a cold start on Windows and Linux carries the link. */
  argv: readonly string[]
  /** A link arrived, or a second launch happened: bring the window forward. */
  onActivate: (argv: readonly string[]) => void
}

/** Call synchronously at start-up, before `ready`, so no early link is missed. */
export function listenForDeepLinks(options: DeepLinkListenerOptions): void {
  const { app, router, schemes, argv, onActivate } = options
  // macOS delivers links as open-url, the first one possibly before `ready`; the listener must
  // exist by will-finish-launching.
  app.on('will-finish-launching', () => {
    app.on('open-url', (event, url) => {
      event.preventDefault()
      const link = findDeepLink([url], schemes)
      if (link !== null) router.receive(link)
      onActivate([])
    })
  })
  // Windows and Linux start a second process with the link in its argv; it hands the argv here
  // and exits.
  app.on('second-instance', (_event, commandLine) => {
    const link = findDeepLink(commandLine, schemes)
    if (link !== null) router.receive(link)
    onActivate(commandLine)
  })
  const coldStart = findDeepLink(argv, schemes)
  if (coldStart !== null) router.receive(coldStart)
}

export interface ProtocolClientOptions {
  app: Pick<App, 'setAsDefaultProtocolClient'>
  isPackaged: boolean
  execPath: string
  argv: readonly string[]
}

/**
 * Installed builds register the production scheme (packaging also declares it). A dev run
 * registers its own scheme, naming the Electron binary and the app folder to launch.
 */
export function registerProtocolClient(options: ProtocolClientOptions): boolean {
  const { app, isPackaged, execPath, argv } = options
  if (isPackaged) return app.setAsDefaultProtocolClient(SCHEME)
  return app.setAsDefaultProtocolClient(DEV_SCHEME, execPath, [path.resolve(argv[1] ?? '.')])
}
