import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { startCompanion } from '../../support/companion-fixture.ts'
import { tempDir } from '../../support/cli-process.ts'
import { nightlyNames, uploadVerified } from '../../support/verified-backups.ts'

vi.setConfig({ testTimeout: 60_000 })

const services: CompanionService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()))
})

/** A companion whose one destination is a local folder, holding `count` verified backups. */
async function withBackups(count: number) {
  const nas = tempDir('nas')
  const home = tempDir('home')
  const { service, events, engine } = await startCompanion({
    FTB_HOME: home,
    FTB_LOCAL_DESTINATION: nas,
  })
  services.push(service)
  const names = nightlyNames(count)
  await uploadVerified(service, tempDir('backups'), names)
  const folder = join(nas, 'Fermentrack Backups')
  writeFileSync(join(folder, 'notes.txt'), 'brew day notes')
  return { service, names, folder, home, events, engine }
}

const savedSettings = (home: string) =>
  JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as Record<string, unknown>

describe('the retention editor behind the window', () => {
  it('previews a draft policy with the rule for each removal, and deletes nothing', async () => {
    const { service, names, folder, home } = await withBackups(6)
    const before = readdirSync(folder).sort()

    const result = await service.invoke('retention.preview', {
      connectionId: 'local',
      policy: { keepLast: 2 },
    })

    expect(result.ok).toBe(true)
    if (!result.ok) return
    const preview = result.value
    expect(preview.on).toBe(true)
    // Newest first: the four oldest go, by keepLast=2; the two newest stay.
    expect(preview.remove.map((r) => r.name)).toEqual(names.slice(0, 4).reverse())
    expect(new Set(preview.remove.map((r) => r.why))).toEqual(new Set(['keepLast=2']))
    expect(preview.keep.map((k) => k.name)).toEqual(names.slice(4).reverse())
    expect(preview.keep[0]!.why).toContain('newest verified')
    expect(preview.ignored).toBe(1)
    expect(readdirSync(folder).sort()).toEqual(before)
    // A preview is a draft: the saved policy is still "off".
    expect(savedSettings(home).retention ?? {}).toEqual({})
  })

  it('previews the draft, not the saved policy', async () => {
    const { service } = await withBackups(4)
    await service.invoke('retention.save', { policy: { keepLast: 1 } })
    const draft = await service.invoke('retention.preview', {
      connectionId: 'local',
      policy: { keepLast: 3 },
    })
    expect(draft.ok && draft.value.remove.length).toBe(1)
    const off = await service.invoke('retention.preview', { connectionId: 'local', policy: {} })
    expect(off.ok && off.value).toMatchObject({ on: false, remove: [], keep: [] })
  })

  it('saves the default and a destination override to settings.json, and says so', async () => {
    const { service, home, events } = await withBackups(1)
    await service.invoke('retention.save', { policy: { keepDaily: 7, keepMonthly: 12 } })
    const saved = await service.invoke('retention.save', {
      connectionId: 'local',
      policy: { keepLast: 3 },
    })
    expect(saved).toEqual({
      ok: true,
      value: {
        retention: { keepDaily: 7, keepMonthly: 12 },
        overrides: { local: { keepLast: 3 } },
      },
    })
    expect(savedSettings(home)).toMatchObject({
      retention: { keepDaily: 7, keepMonthly: 12 },
      retentionOverrides: { local: { keepLast: 3 } },
    })
    expect(events.filter(([name]) => name === 'retention.changed')).toHaveLength(2)

    // Back to the default: the override goes, the default stays.
    await service.invoke('retention.save', { connectionId: 'local', policy: null })
    expect(savedSettings(home).retentionOverrides).toEqual({})
    expect(await service.invoke('retention.get', undefined)).toEqual({
      ok: true,
      value: { retention: { keepDaily: 7, keepMonthly: 12 }, overrides: {} },
    })
  })

  it('refuses a bad policy or an unknown destination with one clear line, changing nothing', async () => {
    const { service, home } = await withBackups(1)
    const before = readFileSync(join(home, 'settings.json'), 'utf8')
    const zero = await service.invoke('retention.save', { policy: { keepLast: 0 } })
    expect(zero).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('keepLast') },
    })
    const extra = await service.invoke('retention.preview', {
      connectionId: 'local',
      policy: { keepForever: 1 },
    })
    expect(extra.ok).toBe(false)
    const unknown = await service.invoke('retention.save', {
      connectionId: 'nowhere',
      policy: { keepLast: 2 },
    })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'connection_not_found' } })
    const defaultToDefault = await service.invoke('retention.save', { policy: null })
    expect(defaultToDefault.ok).toBe(false)
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).toBe(before)
  })

  it('previews a Fermentrack whose own folder got no upload yet as nothing there, not an error', async () => {
    const { service, names, engine } = await withBackups(4)
    engine.settings.update((s) => ({
      ...s,
      sources: [
        ...s.sources,
        {
          id: 'brewhouse-2',
          label: 'Brewhouse 2',
          folder: tempDir('pi-2'),
          remoteSubfolder: 'Brewhouse 2',
          destinations: null,
        },
      ],
    }))

    const preview = await service.invoke('retention.preview', {
      connectionId: 'local',
      policy: { keepLast: 2 },
    })

    if (!preview.ok) throw new Error(preview.error.message)
    expect(preview.value.remove.map((r) => [r.name, r.source])).toEqual(
      names
        .slice(0, 2)
        .reverse()
        .map((name) => [name, null]),
    )
  })

  it('prunes now exactly the confirmed list with the saved policy, leaving notes.txt', async () => {
    const { service, names, folder, home } = await withBackups(5)
    await service.invoke('retention.save', { connectionId: 'local', policy: { keepLast: 2 } })
    const preview = await service.invoke('retention.preview', {
      connectionId: 'local',
      policy: { keepLast: 2 },
    })
    if (!preview.ok) throw new Error(preview.error.message)
    const confirmed = preview.value.remove.map((r) => r.path)

    const pruned = await service.invoke('retention.pruneNow', {
      connectionId: 'local',
      paths: confirmed,
    })

    expect(pruned.ok && pruned.value.removed).toBe(3)
    expect(pruned.ok && pruned.value.preview.remove).toEqual([])
    expect(readdirSync(folder).sort()).toEqual([...names.slice(3), 'notes.txt'].sort())
    // Each deletion is logged with the rule that let it go.
    const log = readFileSync(join(home, 'logs', 'companion.log'), 'utf8')
    for (const name of confirmed) expect(log).toMatch(new RegExp(`${name}.*pruned by keepLast=2`))
  })

  it('deletes nothing when the plan no longer matches what the user confirmed', async () => {
    const { service, names, folder } = await withBackups(4)
    await service.invoke('retention.save', { policy: { keepLast: 1 } })
    const before = readdirSync(folder).sort()
    // Confirmed from a keepLast=2 preview, but the saved policy removes one more.
    const stale = await service.invoke('retention.pruneNow', {
      connectionId: 'local',
      paths: names.slice(0, 2).map((name) => `/Fermentrack Backups/${name}`),
    })
    expect(stale).toMatchObject({
      ok: false,
      error: {
        code: 'prune_list_changed',
        message: expect.stringContaining('Nothing was deleted'),
      },
    })
    expect(readdirSync(folder).sort()).toEqual(before)
  })
})
