// The client ids a release is built with, for electron.vite.config.ts (the app's main process)
// and vite.cli.config.ts (the CLI bundle): both define __FTB_BUILTIN_CLIENT_IDS__ from here, so
// the app and the CLI of one release carry the same keys. Client ids are public (PKCE apps have
// no secret), so baking them in exposes nothing.
import { PROVIDER_IDS } from '../src/shared/provider-settings.ts'

/**
 * The build-time variables that may hold a provider's client id, first wins:
 * FTB_BUILTIN_<ID>_CLIENT_ID (the id upper-cased, "-" as "_"), and for Dropbox, which calls its
 * client id the "app key", FTB_BUILTIN_DROPBOX_APP_KEY first (like DROPBOX_APP_KEY at run time).
 */
export function builtInKeyVariables(id: string): string[] {
  const name = `FTB_BUILTIN_${id.toUpperCase().replaceAll('-', '_')}`
  return id === 'dropbox' ? [`${name}_APP_KEY`, `${name}_CLIENT_ID`] : [`${name}_CLIENT_ID`]
}

/** The client ids set in `env`, by provider id; unset or blank ones are left out. */
export function builtInClientIds(env: NodeJS.ProcessEnv): Record<string, string> {
  const ids: Record<string, string> = {}
  for (const id of PROVIDER_IDS) {
    const value = builtInKeyVariables(id)
      .map((name) => env[name]?.trim())
      .find(Boolean)
    if (value) ids[id] = value
  }
  return ids
}

/** The `define` entry both builds add: the ids as a JSON literal, `{}` when none is set. */
export function builtInKeysDefine(env: NodeJS.ProcessEnv): Record<string, string> {
  return { __FTB_BUILTIN_CLIENT_IDS__: JSON.stringify(builtInClientIds(env)) }
}
