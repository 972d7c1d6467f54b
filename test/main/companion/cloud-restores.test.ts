import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { createEngine } from '../../../src/main/engine.ts'
import type { EventName, RestoreProgressView } from '../../../src/shared/ipc-contract.ts'
import { backupBytes } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'
import { waitFor } from '../../support/wait-for.ts'

const OLDER = 'dbBackup-Fermentrack_2026-03-01T08.00.00.tar.xz'
const NEWER = 'dbBackup-Fermentrack_2026-03-02T08.00.00.tar.xz'
const REMOTE = 'Fermentrack Backups'

const services: CompanionService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()))
})

/** The real service and engine, a local folder as the destination, and a scripted picker. */
async function companion() {
  const nas = tempDir('restore-nas')
  const home = tempDir('restore-home')
  const engine = await createEngine({
    env: { FTB_HOME: home, FTB_SECRET_STORE: 'file', FTB_LOCAL_DESTINATION: nas },
  })
  const picker = { folder: tempDir('restore-to') as string | null, openedAt: [] as string[] }
  const shown: string[] = []
  const service = new CompanionService({
    engine,
    env: { HOME: home, XDG_DOWNLOAD_DIR: '/home/brewer/Downloads' },
    defaultRedirect: 'loopback',
    links: {
      openBrowser: async () => undefined,
      openExternal: async () => undefined,
      allowLoginPage: () => () => undefined,
    },
    chooseFolder: async () => null,
    copyText: async () => undefined,
    restoreShell: {
      chooseRestoreFolder: async (defaultPath) => {
        picker.openedAt.push(defaultPath)
        return picker.folder
      },
      showItemInFolder: (path) => void shown.push(path),
    },
  })
  const events: Array<[EventName, unknown]> = []
  service.on('event', (name, payload) => events.push([name, payload]))
  services.push(service)
  await service.start()
  return { service, events, picker, shown, stored: (name: string) => join(nas, REMOTE, name) }
}

type Service = Awaited<ReturnType<typeof companion>>['service']

/** Uploads backups through the window's own command and waits until each is verified. */
async function upload(service: Service, names: string[]) {
  const dir = tempDir('drop')
  const originals = names.map((name, i) => {
    const path = join(dir, name)
    writeFileSync(path, backupBytes(50_000 + i, i + 1))
    return path
  })
  expect(await service.invoke('uploads.enqueue', { paths: originals })).toMatchObject({ ok: true })
  await waitFor(
    async () => {
      const history = await service.invoke('uploads.history', { status: 'done' })
      return history.ok && history.value.total === names.length ? true : undefined
    },
    { what: 'the uploads to finish' },
  )
  return originals
}

describe('backups in the cloud, through the companion service', () => {
  it('lists a destination newest first, with the stamp time and the upload checksum', async () => {
    const { service, stored } = await companion()
    await upload(service, [OLDER, NEWER])
    // Put there by hand: a backup by name, but not one this app uploaded.
    writeFileSync(stored('2026-02-01T08.00.00.tar.xz'), backupBytes(1000, 9))
    writeFileSync(stored('notes.txt'), 'not a backup')

    const listed = await service.invoke('backups.list', { connectionId: 'local' })
    expect(listed).toMatchObject({
      ok: true,
      value: [
        {
          name: NEWER,
          // The name's stamp, the Pi's wall clock: local time.
          time: new Date(2026, 2, 2, 8, 0, 0).getTime(),
          size: 50_001,
          verifiedAtUpload: true,
          checksumAlgorithm: 'sha256',
          contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
        { name: OLDER, verifiedAtUpload: true },
        { name: '2026-02-01T08.00.00.tar.xz', verifiedAtUpload: false, contentHash: null },
      ],
    })
    expect(listed.ok && listed.value).toHaveLength(3)
  })

  it('restores into the folder main picked, byte-identical and verified, then shows it', async () => {
    const { service, events, picker, shown } = await companion()
    const [, newer] = await upload(service, [OLDER, NEWER])

    const result = await service.invoke('backups.restore', { connectionId: 'local', name: NEWER })
    expect(result).toMatchObject({
      ok: true,
      value: {
        outcome: 'restored',
        restore: {
          name: NEWER,
          localPath: join(picker.folder!, NEWER),
          size: 50_001,
          verified: true,
          verifiedBy: 'sha256 recorded at upload',
        },
      },
    })
    // The picker opened at the Downloads folder; the window named no folder.
    expect(picker.openedAt).toEqual(['/home/brewer/Downloads'])
    expect(readFileSync(join(picker.folder!, NEWER)).equals(readFileSync(newer!))).toBe(true)
    expect(readdirSync(picker.folder!)).toEqual([NEWER])

    const progress = events
      .filter(([name]) => name === 'backups.restoreProgress')
      .map(([, p]) => p as RestoreProgressView)
    const restoreId = result.ok && result.value.outcome === 'restored' && result.value.restore
    expect(progress[0]).toMatchObject({ bytesDone: 0, size: 50_001, name: NEWER })
    expect(progress.every((p) => p.restoreId === (restoreId && restoreId.restoreId))).toBe(true)

    expect(
      await service.invoke('backups.showInFolder', { restoreId: restoreId && restoreId.restoreId }),
    ).toEqual({ ok: true, value: undefined })
    expect(shown).toEqual([join(picker.folder!, NEWER)])
  })

  it('refuses a damaged remote copy and leaves no file behind', async () => {
    const { service, picker, stored } = await companion()
    await upload(service, [NEWER])
    const damaged = readFileSync(stored(NEWER))
    damaged[1000] = damaged[1000]! ^ 0xff
    writeFileSync(stored(NEWER), damaged)

    const result = await service.invoke('backups.restore', { connectionId: 'local', name: NEWER })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'restore_mismatch', message: expect.stringContaining('nothing was restored') },
    })
    expect(readdirSync(picker.folder!)).toEqual([])
  })

  it('restores nothing when the folder picker is cancelled', async () => {
    const { service, picker, events } = await companion()
    await upload(service, [NEWER])
    const chosen = picker.folder!
    picker.folder = null
    expect(await service.invoke('backups.restore', { connectionId: 'local', name: NEWER })).toEqual(
      { ok: true, value: { outcome: 'cancelled' } },
    )
    expect(readdirSync(chosen)).toEqual([])
    expect(events.some(([name]) => name === 'backups.restoreProgress')).toBe(false)
  })

  it('takes only a listed backup by name: no path, no other file, no unknown restore id', async () => {
    const { service, picker, shown, stored } = await companion()
    await upload(service, [NEWER])
    writeFileSync(stored('notes.txt'), 'not a backup')
    for (const name of [`/${REMOTE}/${NEWER}`, `../${NEWER}`, '..', 'a\\b.tar.xz']) {
      expect(
        await service.invoke('backups.restore', { connectionId: 'local', name }),
      ).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    }
    // A folder for the restore is never taken from the window.
    expect(
      await service.invoke('backups.restore', {
        connectionId: 'local',
        name: NEWER,
        folder: '/tmp',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
    expect(
      await service.invoke('backups.restore', { connectionId: 'local', name: 'notes.txt' }),
    ).toMatchObject({ ok: false, error: { code: 'remote_not_found' } })
    expect(picker.openedAt).toEqual([])
    expect(await service.invoke('backups.showInFolder', { restoreId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('No restore 7') },
    })
    expect(await service.invoke('backups.cancelRestore', { restoreId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    })
    expect(shown).toEqual([])
    expect(existsSync(join(picker.folder!, 'notes.txt'))).toBe(false)
  })
})
