import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrateSettings } from '../../../src/main/store/settings-migrations.ts'
import { SettingsStore } from '../../../src/main/store/settings-store.ts'
import { Settings, SETTINGS_VERSION } from '../../../src/shared/settings-schema.ts'
import { runCli, tempDir } from '../../support/cli-process.ts'

function homeWith(content: string): string {
  const home = tempDir('settings')
  writeFileSync(join(home, 'settings.json'), content)
  return home
}

/** Every setting at its default, as the schema gives them. */
const DEFAULT_SETTINGS = Settings.parse({ version: SETTINGS_VERSION })

const BREWHOUSE = {
  id: 'brewhouse-1',
  label: 'Brewhouse 1',
  folder: '/srv/brewhouse-1',
  remoteSubfolder: 'Brewhouse 1',
  destinations: null,
}

const copies = (home: string) =>
  readdirSync(home).filter((name) => name.startsWith('settings.invalid-'))

describe('SettingsStore', () => {
  it('starts from defaults and writes them to settings.json', () => {
    const home = tempDir('settings')
    const store = new SettingsStore(home)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(store.warnings).toEqual([])
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual(DEFAULT_SETTINGS)
  })

  it('keeps changes across instances', () => {
    const home = tempDir('settings')
    new SettingsStore(home).update((s) => ({ ...s, concurrency: 4, sources: [BREWHOUSE] }))
    expect(new SettingsStore(home).get()).toMatchObject({ concurrency: 4, sources: [BREWHOUSE] })
  })

  it('a long-lived instance reads what another process wrote since (a reconnect, say)', () => {
    const home = tempDir('settings')
    const watching = new SettingsStore(home)
    expect(watching.get().concurrency).toBe(2)
    new SettingsStore(home).update((s) => ({ ...s, concurrency: 5 }))
    expect(watching.get().concurrency).toBe(5)
  })

  it('a running instance keeps the last good settings over a broken hand edit, and leaves the file be', () => {
    const home = tempDir('settings')
    const store = new SettingsStore(home)
    store.update((s) => ({ ...s, concurrency: 4, retention: { keepLast: 2 } }))
    const broken = '{ "version": 3, "concurrency": '
    writeFileSync(store.file, broken)
    expect(store.get()).toMatchObject({ concurrency: 4, retention: { keepLast: 2 } })
    expect(store.reread()).toMatch(
      /^Settings file .* is not valid JSON \(.*\); the settings from before stay in effect until it is corrected\.$/,
    )
    writeFileSync(store.file, '{ "version": 3, "concurrency": 0 }')
    expect(store.reread()).toMatch(/has an invalid value: "concurrency" \(/)
    expect(store.get().concurrency).toBe(4)
    expect(readFileSync(store.file, 'utf8')).toBe('{ "version": 3, "concurrency": 0 }')
    expect(copies(home)).toEqual([])
  })

  it('tells listeners of a hand edit once, with where it came from, and never of its own write again', () => {
    const store = new SettingsStore(tempDir('settings'))
    const heard: [string, number, number][] = []
    store.onChange((next, { origin, previous }) =>
      heard.push([origin, previous.concurrency, next.concurrency]),
    )
    store.update((s) => ({ ...s, concurrency: 3 }))
    expect(store.reread()).toBeNull()
    const edited = { ...JSON.parse(readFileSync(store.file, 'utf8')), concurrency: 5 }
    writeFileSync(store.file, JSON.stringify(edited))
    expect(store.reread()).toBeNull()
    expect(store.reread()).toBeNull()
    expect(heard).toEqual([
      ['app', 2, 3],
      ['file', 3, 5],
    ])
  })

  it('a save over a broken hand edit keeps the edit aside first', () => {
    const home = tempDir('settings')
    const store = new SettingsStore(home)
    writeFileSync(store.file, '{ "concurrency": ')
    store.update((s) => ({ ...s, concurrency: 3 }))
    expect(copies(home)).toHaveLength(1)
    expect(readFileSync(join(home, copies(home)[0]!), 'utf8')).toBe('{ "concurrency": ')
    expect(new SettingsStore(home).get().concurrency).toBe(3)
  })

  it('refuses an invalid update and keeps the stored value', () => {
    const store = new SettingsStore(tempDir('settings'))
    expect(() => store.update((s) => ({ ...s, concurrency: 0 }))).toThrow()
    expect(store.get().concurrency).toBe(2)
  })

  it('a truncated file: copied aside, reported with its path, then defaults', () => {
    const home = homeWith('{"version":1,"concurrency":')
    const store = new SettingsStore(home)
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(copies(home)).toHaveLength(1)
    expect(readFileSync(join(home, copies(home)[0]!), 'utf8')).toBe('{"version":1,"concurrency":')
    expect(store.warnings[0]).toContain(
      `Settings file ${join(home, 'settings.json')} is not valid JSON`,
    )
    expect(store.warnings[0]).toContain(`Kept a copy at ${join(home, copies(home)[0]!)}`)
  })

  it('a bad key: only that key falls back, the rest of the user settings survive', () => {
    const home = homeWith(
      JSON.stringify({
        version: 1,
        concurrency: 99,
        watchFolder: '/mnt/fermentrack',
        remoteFolder: 'no-slash',
      }),
    )
    const store = new SettingsStore(home)
    expect(store.get()).toMatchObject({
      concurrency: 2,
      sources: [{ folder: '/mnt/fermentrack' }],
      remoteFolder: '/Fermentrack Backups',
    })
    expect(store.warnings[0]).toContain('"concurrency" (Too big: expected number to be <=8)')
    expect(store.warnings[0]).toContain(
      '"remoteFolder" (must start with "/" and have no trailing "/")',
    )
    expect(copies(home)).toHaveLength(1)
  })

  it('one damaged connection entry is dropped, the other connections are kept', () => {
    const good = {
      id: 'dropbox-1',
      provider: 'dropbox',
      account: { id: 'a', name: 'n', email: 'e' },
      created: 'c',
      status: 'connected',
    }
    const home = homeWith(
      JSON.stringify({
        version: 1,
        connections: [{ ...good, id: 'dropbox-0', status: 'weird' }, good],
      }),
    )
    const store = new SettingsStore(home)
    expect(store.get().connections.map((c) => c.id)).toEqual(['dropbox-1'])
    expect(store.warnings[0]).toContain('"connections.0.status"')
  })

  it('a valid file is not rewritten at start-up', () => {
    const text = JSON.stringify({ version: 1, concurrency: 3 })
    const home = homeWith(text)
    new SettingsStore(home)
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({
      ...DEFAULT_SETTINGS,
      concurrency: 3,
    })
    expect(copies(home)).toEqual([])
  })

  it('a complete file is not written at all at start-up (a full disk must not stop a start)', () => {
    const home = tempDir('settings')
    new SettingsStore(home)
    const file = join(home, 'settings.json')
    // conf writes by rename: a write would show as a new inode.
    const before = statSync(file).ino
    new SettingsStore(home)
    expect(statSync(file).ino).toBe(before)
  })

  it('the CLI shows the warning on stderr and still works', async () => {
    const home = homeWith('{"version":1,"patterns":[]}')
    const result = await runCli(['providers'], { FTB_HOME: home })
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(
      /^Warning: Settings file .*settings\.json has invalid values: "patterns"/,
    )
  })
})

describe('migrateSettings', () => {
  it('runs each step from the file version up to the target', () => {
    const migrations = {
      1: (raw: Record<string, unknown>) => ({ ...raw, b: 2 }),
      2: (raw: Record<string, unknown>) => ({ ...raw, c: 3 }),
    }
    expect(migrateSettings({ version: 1, a: 1 }, migrations, 3)).toEqual({
      version: 3,
      a: 1,
      b: 2,
      c: 3,
    })
    expect(migrateSettings({ a: 1 }, migrations, 2)).toEqual({ version: 2, a: 1, b: 2 })
    expect(migrateSettings({ version: 3 }, migrations, 3)).toEqual({ version: 3 })
  })
})

describe('settings version 2 → 3: watchFolder becomes sources', () => {
  it('a set watchFolder becomes one source with no subfolder, for every destination', () => {
    const home = homeWith(JSON.stringify({ version: 2, watchFolder: '/mnt/fermentrack' }))
    const store = new SettingsStore(home)
    expect(store.warnings).toEqual([])
    const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))
    expect(saved.version).toBe(3)
    expect(saved).not.toHaveProperty('watchFolder')
    expect(store.get().sources).toEqual([
      {
        id: 'fermentrack',
        label: 'Fermentrack',
        folder: '/mnt/fermentrack',
        remoteSubfolder: null,
        destinations: null,
      },
    ])
  })

  it.each([[{}], [{ watchFolder: null }], [{ watchFolder: '' }]])(
    'no watch folder (%j) becomes no source',
    (value) => {
      const store = new SettingsStore(homeWith(JSON.stringify({ version: 2, ...value })))
      expect(store.get().sources).toEqual([])
      expect(store.warnings).toEqual([])
    },
  )

  it('a hand-edited bad source is dropped with the usual message; the good one stays', () => {
    const bad = { ...BREWHOUSE, id: 'b2', label: 'Brewhouse 2', folder: 'relative/path' }
    const twice = { ...BREWHOUSE, label: 'Again', folder: '/srv/other' }
    const home = homeWith(JSON.stringify({ version: 3, sources: [BREWHOUSE, bad, twice] }))
    const store = new SettingsStore(home)
    expect(store.get().sources).toEqual([BREWHOUSE])
    expect(store.warnings).toHaveLength(1)
    expect(store.warnings[0]).toContain('"sources.1.folder" (must be a full path)')
    expect(store.warnings[0]).toContain('"sources.2.id" (is used twice)')
    expect(store.warnings[0]).toContain('Kept a copy at')
    expect(copies(home)).toHaveLength(1)
  })

  it('a remote subfolder that climbs out ("..") is refused', () => {
    const climbing = { ...BREWHOUSE, remoteSubfolder: '../elsewhere' }
    const store = new SettingsStore(homeWith(JSON.stringify({ version: 3, sources: [climbing] })))
    expect(store.get().sources).toEqual([])
    expect(store.warnings[0]).toContain('"sources.0.remoteSubfolder"')
  })
})

describe('a secret written into settings.json by hand', () => {
  const URL_TEXT = 'https://hc-ping.com/hand-written-uuid'

  it('is taken out of the file when the store opens it, and handed over once', () => {
    const home = homeWith(JSON.stringify({ version: 3, healthcheckUrl: URL_TEXT, concurrency: 3 }))
    const store = new SettingsStore(home)
    const text = readFileSync(join(home, 'settings.json'), 'utf8')
    expect(text).not.toContain('hc-ping')
    expect(JSON.parse(text)).toMatchObject({ concurrency: 3 })
    expect(store.takeHandWrittenSecrets()).toEqual({ healthcheckUrl: URL_TEXT })
    expect(store.takeHandWrittenSecrets()).toEqual({})
  })

  it('written while the store is open, is taken out on the next read, with a call to its listener', () => {
    const home = tempDir('settings')
    const store = new SettingsStore(home)
    let calls = 0
    store.onHandWrittenSecret(() => calls++)
    const file = join(home, 'settings.json')
    const current = JSON.parse(readFileSync(file, 'utf8'))
    writeFileSync(file, JSON.stringify({ ...current, healthcheckUrl: URL_TEXT, concurrency: 4 }))

    expect(store.get().concurrency).toBe(4)

    expect(readFileSync(file, 'utf8')).not.toContain('hc-ping')
    expect(calls).toBe(1)
    expect(store.takeHandWrittenSecrets()).toEqual({ healthcheckUrl: URL_TEXT })
  })
})
