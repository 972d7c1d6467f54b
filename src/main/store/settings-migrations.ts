import { SETTINGS_VERSION } from '../../shared/settings-schema.ts'

export type RawSettings = Record<string, unknown>
/** MIGRATIONS[n] turns a version-n settings object into version n+1. */
export type Migrations = Record<number, (raw: RawSettings) => RawSettings>

export const MIGRATIONS: Migrations = {
  // The Dropbox app key became the Dropbox provider's client id (Kasm's form has one per provider).
  1: ({ dropboxAppKey, ...rest }) => {
    if (typeof dropboxAppKey !== 'string' || dropboxAppKey === '') return rest
    const providers = (rest.providers ?? {}) as Record<string, Record<string, unknown>>
    return {
      ...rest,
      providers: { ...providers, dropbox: { ...providers.dropbox, clientId: dropboxAppKey } },
    }
  },
  // The one watched folder became the first of a list of sources. It keeps uploading straight
  // into each destination's folder (no subfolder) and to every destination, as it did.
  2: ({ watchFolder, ...rest }) => {
    // No folder set: no source (the default). A list already there is never overwritten.
    if (typeof watchFolder !== 'string' || watchFolder === '' || rest.sources !== undefined)
      return rest
    const source = {
      id: 'fermentrack',
      label: 'Fermentrack',
      folder: watchFolder,
      remoteSubfolder: null,
      destinations: null,
    }
    return { ...rest, sources: [source] }
  },
}

/**
 * Brings a settings object up to `target`. A file without a version is taken as version 1 (hand
 * written). A newer version than we know is returned unchanged: validation then reports it.
 */
export function migrateSettings(
  raw: RawSettings,
  migrations: Migrations = MIGRATIONS,
  target = SETTINGS_VERSION,
): RawSettings {
  let current = { version: 1, ...raw }
  while (typeof current.version === 'number' && current.version < target) {
    const step = migrations[current.version]
    if (!step) throw new Error(`No settings migration from version ${current.version}`)
    current = { ...step(current), version: current.version + 1 }
  }
  return current
}
