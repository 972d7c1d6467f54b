import path from 'node:path'

export interface LaunchCommandOptions {
  env: NodeJS.ProcessEnv
  execPath: string
  isPackaged: boolean
  argv: readonly string[]
}

/**
 * The command that starts this app again, for login items and URL handlers. An AppImage runs from
 * a temporary mount, so only $APPIMAGE (the image file itself) survives; an unpackaged run is the
 * Electron binary plus the app folder it was given.
 */
export function launchCommand({ env, execPath, isPackaged, argv }: LaunchCommandOptions): string[] {
  if (env.APPIMAGE) return [env.APPIMAGE]
  if (isPackaged) return [execPath]
  return [execPath, path.resolve(argv[1] ?? '.')]
}
