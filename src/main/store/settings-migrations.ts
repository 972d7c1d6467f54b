import { SETTINGS_VERSION } from '../../shared/settings-schema.ts'

export type RawSettings = Record<string, unknown>
/** MIGRATIONS[n] turns a version-n settings object into version n+1. */
export type Migrations = Record<number, (raw: RawSettings) => RawSettings>

// Version 1 is the first released layout, so nothing migrates yet; add version 1 → 2 here.
export const MIGRATIONS: Migrations = {}

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
