import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CompanionService } from '../../../src/main/companion/companion-service.ts'
import { createEngine } from '../../../src/main/engine.ts'
import type { EventName } from '../../../src/shared/ipc-contract.ts'
import { backupBytes } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'
import { startPingMonitor } from '../../support/ping-monitor.ts'

const services: CompanionService[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()))
})

async function companion(picker: { next: string | null } = { next: null }) {
  const destination = tempDir('dest')
  const engine = await createEngine({
    env: {
      FTB_HOME: tempDir('home'),
      FTB_SECRET_STORE: 'file',
      FTB_LOCAL_DESTINATION: destination,
    },
  })
  const opened: string[] = []
  const service = new CompanionService({
    engine,
    env: {},
    defaultRedirect: 'loopback',
    links: {
      openBrowser: async (url) => void opened.push(url),
      openExternal: async (url) => void opened.push(url),
      allowLoginPage: () => () => undefined,
    },
    chooseFolder: async () => picker.next,
    copyText: async () => undefined,
    restoreShell: { chooseRestoreFolder: async () => null, showItemInFolder: () => {} },
  })
  const events: Array<[EventName, unknown]> = []
  service.on('event', (name, payload) => events.push([name, payload]))
  services.push(service)
  await service.start()
  return { service, events, destination, home: engine.home }
}

async function until<T>(check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('CompanionService', () => {
  it('refuses input that does not match the contract, without running the command', async () => {
    const { service } = await companion()
    expect(await service.invoke('uploads.retry', { jobId: 'one' })).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('Invalid input for uploads.retry'),
      },
    })
    expect(await service.invoke('uploads.enqueue', { paths: [] })).toMatchObject({ ok: false })
    expect(await service.invoke('settings.update', { remoteFolder: 'Backups/' })).toEqual({
      ok: false,
      error: {
        code: 'invalid_setting',
        message: expect.stringContaining(
          '"remoteFolder" must start with "/" and have no trailing "/"',
        ),
      },
    })
    // Not a setting the window may change: refused as a whole, nothing applied.
    expect(await service.invoke('settings.update', { dropboxAppKey: 'x' })).toMatchObject({
      ok: false,
    })
    expect(await service.invoke('settings.get', undefined)).toMatchObject({
      ok: true,
      value: { remoteFolder: '/Fermentrack Backups' },
    })
  })

  it('queues a dropped file, uploads it, and reports the job and the tray state', async () => {
    const { service, events } = await companion()
    const file = join(tempDir('drop'), '2026-11-22T10.00.00.tar.xz')
    writeFileSync(file, backupBytes(1000, 1))
    const queued = await service.invoke('uploads.enqueue', { paths: [file] })
    expect(queued).toMatchObject({
      ok: true,
      value: [{ name: '2026-11-22T10.00.00.tar.xz', connectionId: 'local' }],
    })
    const done = await until(() =>
      events.find(
        ([name, job]) => name === 'uploads.job' && (job as { state: string }).state === 'done',
      ),
    )
    expect(done[1]).toMatchObject({
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      error: null,
    })
    expect(await service.invoke('status.get', undefined)).toMatchObject({
      ok: true,
      value: { tray: 'idle' },
    })
    const history = await service.invoke('uploads.history', { text: '10.00.00' })
    expect(history).toMatchObject({ ok: true, value: { total: 1, jobs: [{ state: 'done' }] } })
  })

  it('rejects folders and unreadable files with a message that names them', async () => {
    const { service } = await companion()
    const folder = tempDir('folder')
    expect(await service.invoke('uploads.enqueue', { paths: [folder] })).toMatchObject({
      ok: false,
      error: { code: 'not_a_file', message: expect.stringContaining(`${folder} is a folder`) },
    })
    const missing = join(folder, 'gone.tar.xz')
    expect(await service.invoke('uploads.enqueue', { paths: [missing] })).toMatchObject({
      ok: false,
      error: {
        code: 'file_missing',
        message: expect.stringContaining(`${missing} does not exist`),
      },
    })
  })

  it('applies settings changes and announces them', async () => {
    const { service, events } = await companion()
    const result = await service.invoke('settings.update', {
      concurrency: 3,
      notifications: 'errors',
    })
    expect(result).toMatchObject({ ok: true, value: { concurrency: 3, notifications: 'errors' } })
    expect(events).toContainEqual(['settings.changed', expect.objectContaining({ concurrency: 3 })])
  })

  it('changes only the settings sent: the others keep their saved values', async () => {
    const { service } = await companion()
    await service.invoke('settings.update', { concurrency: 3, bandwidthLimit: 1024 })
    expect(
      await service.invoke('settings.update', {
        bandwidthSchedule: { fullSpeedFrom: '00:00', fullSpeedTo: '06:00' },
      }),
    ).toMatchObject({
      ok: true,
      value: {
        concurrency: 3,
        bandwidthLimit: 1024,
        bandwidthSchedule: { fullSpeedFrom: '00:00', fullSpeedTo: '06:00' },
      },
    })
    expect(await service.invoke('settings.update', { bandwidthLimit: 0 })).toMatchObject({
      ok: true,
      value: { concurrency: 3, bandwidthLimit: 0, bandwidthSchedule: { fullSpeedFrom: '00:00' } },
    })
  })

  it('takes a folder from its own picker, or a typed existing folder outside FTB_HOME', async () => {
    const picker = { next: '/mnt/nas/not-mounted-yet' as string | null }
    const { service } = await companion(picker)
    expect(await service.invoke('dialog.chooseFolder', undefined)).toEqual({
      ok: true,
      value: picker.next,
    })
    expect(
      await service.invoke('settings.update', { localDestination: picker.next }),
    ).toMatchObject({ ok: true, value: { localDestination: '/mnt/nas/not-mounted-yet' } })
    const typed = tempDir('typed')
    const sources = [
      { id: 'ferm', label: 'Ferm', folder: typed, remoteSubfolder: null, destinations: null },
    ]
    expect(await service.invoke('settings.update', { sources })).toMatchObject({
      ok: true,
      value: { sources },
    })
  })

  it('refuses a folder the window typed that is missing or inside FTB_HOME, changing nothing', async () => {
    const { service, events, home } = await companion()
    const before = await service.invoke('settings.get', undefined)
    for (const [change, reason] of [
      [
        {
          sources: [
            { id: 'a', label: 'A', folder: home, remoteSubfolder: null, destinations: null },
          ],
          concurrency: 5,
        },
        "is inside the app's own data folder",
      ],
      [
        {
          sources: [
            { id: 'a', label: 'A', folder: tempDir('a'), remoteSubfolder: 'X', destinations: null },
            { id: 'b', label: 'B', folder: tempDir('b'), remoteSubfolder: 'X', destinations: null },
          ],
        },
        'the remote subfolder "X" is used by A already',
      ],
      [{ localDestination: '/made/up', concurrency: 5 }, 'does not exist'],
      [{ localDestination: 'relative' }, 'is not a full path'],
    ] as const) {
      expect(await service.invoke('settings.update', change)).toEqual({
        ok: false,
        error: { code: 'invalid_setting', message: expect.stringContaining(reason) },
      })
    }
    expect(await service.invoke('settings.get', undefined)).toEqual(before)
    expect(events.filter(([name]) => name === 'settings.changed')).toEqual([])
  })
})

describe('CompanionService with several Fermentracks', () => {
  const source = (id: string, folder: string, remoteSubfolder: string | null) => ({
    id,
    label: id,
    folder,
    remoteSubfolder,
    destinations: null,
  })

  it('saving sources restarts watching: each uploads into its own subfolder; a missing one is named', async () => {
    const { service, destination } = await companion({ next: '/mnt/not-mounted' })
    const pi1 = tempDir('pi1')
    const pi2 = tempDir('pi2')
    const sources = [source('brewhouse-1', pi1, 'Brewhouse 1'), source('brewhouse-2', pi2, 'B2')]
    expect(await service.invoke('settings.update', { sources })).toMatchObject({ ok: true })
    await until(() => (service.currentStatus().watch.state === 'watching' ? true : undefined))
    writeFileSync(join(pi1, 'one.tar.xz'), backupBytes(2048, 1))
    writeFileSync(join(pi2, 'two.tar.xz'), backupBytes(2048, 2))
    const remote = join(destination, 'Fermentrack Backups')
    await until(() => (service.currentStatus().counts.done === 2 ? true : undefined), 30_000)
    expect(readdirSync(join(remote, 'Brewhouse 1'))).toEqual(['one.tar.xz'])
    expect(readdirSync(join(remote, 'B2'))).toEqual(['two.tar.xz'])

    // A third Fermentrack on a share that is not mounted: the window's watch state names it.
    expect(await service.invoke('dialog.chooseFolder', undefined)).toMatchObject({ ok: true })
    const third = [...sources, source('share', '/mnt/not-mounted', 'Share')]
    expect(await service.invoke('settings.update', { sources: third })).toMatchObject({ ok: true })
    const watch = await until(() => {
      const current = service.currentStatus().watch
      return current.state === 'unavailable' ? current : undefined
    })
    expect(watch.folder).toBe('/mnt/not-mounted')
  })

  it('a hand edit of settings.json reaches the window as a save does; a broken one changes nothing', async () => {
    const { service, events, destination, home } = await companion()
    const file = join(home, 'settings.json')
    const named = (event: EventName) => events.filter(([name]) => name === event)
    expect(await service.invoke('settings.update', { concurrency: 3 })).toMatchObject({ ok: true })
    expect(named('settings.changed')).toHaveLength(1)

    const pi = tempDir('pi')
    const edited = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    edited.retention = { keepLast: 2 }
    edited.sources = [source('brewhouse-1', pi, 'Brewhouse 1')]
    writeFileSync(file, JSON.stringify(edited, null, 2))

    const retention = await until(() => named('retention.changed')[0]?.[1])
    expect(retention).toEqual({ retention: { keepLast: 2 }, overrides: {} })
    // Our own save was not announced twice: one event for it, one for the hand edit.
    expect(named('settings.changed')).toHaveLength(2)
    expect(named('settings.changed')[1]![1]).toMatchObject({
      concurrency: 3,
      sources: [expect.objectContaining({ folder: pi, remoteSubfolder: 'Brewhouse 1' })],
    })
    // The hand-added source is watched, as after a save in the window.
    await until(() => (service.currentStatus().watch.state === 'watching' ? true : undefined))
    writeFileSync(join(pi, 'one.tar.xz'), backupBytes(2048, 1))
    const remote = join(destination, 'Fermentrack Backups', 'Brewhouse 1')
    await until(() => (existsSync(remote) && readdirSync(remote).length === 1 ? true : undefined))

    writeFileSync(file, '{ "version": 3, "concurrency": 0 }')
    const warnings = () =>
      readFileSync(join(home, 'logs', 'companion.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: string; message: string })
        .filter((record) => record.message.startsWith('Settings file'))
    const [warning] = await until(() => (warnings().length > 0 ? warnings() : undefined))
    expect(warning!.message).toMatch(`Settings file ${file} has an invalid value: "concurrency" (`)
    expect(named('settings.changed')).toHaveLength(2)
    expect(await service.invoke('settings.get', undefined)).toMatchObject({
      ok: true,
      value: { concurrency: 3, sources: [expect.objectContaining({ folder: pi })] },
    })
    expect(await service.invoke('retention.get', undefined)).toMatchObject({
      ok: true,
      value: { retention: { keepLast: 2 } },
    })
  })
})

describe('CompanionService and a broken hand edit of settings.json', () => {
  const problemEvents = (events: Array<[EventName, unknown]>) =>
    events.filter(([name]) => name === 'settingsFile.changed').map(([, payload]) => payload)

  it('tells the window what is wrong until the file is fixed by hand', async () => {
    const { service, events, home } = await companion()
    const file = join(home, 'settings.json')
    expect(await service.invoke('settings.update', { concurrency: 3 })).toMatchObject({ ok: true })
    expect(await service.invoke('settingsFile.get', undefined)).toEqual({
      ok: true,
      value: { problem: null },
    })
    const good = readFileSync(file, 'utf8')

    writeFileSync(file, good.replace('"concurrency": 3', '"concurrency": 0'))
    const [broken] = await until(() => {
      const seen = problemEvents(events)
      return seen.length > 0 ? seen : undefined
    })
    const problem = `Settings file ${file} has an invalid value: "concurrency" (`
    expect(broken).toEqual({ problem: expect.stringContaining(problem) })
    expect((broken as { problem: string }).problem).toMatch(
      /the settings from before stay in effect until it is corrected\.$/,
    )
    expect(await service.invoke('settingsFile.get', undefined)).toEqual({ ok: true, value: broken })
    expect(await service.invoke('settings.get', undefined)).toMatchObject({
      value: { concurrency: 3 },
    })

    // Put back as it was: the same settings, so no settings.changed, but the problem is gone.
    writeFileSync(file, good)
    await until(() => (problemEvents(events).length === 2 ? true : undefined))
    expect(problemEvents(events)[1]).toEqual({ problem: null })
    expect(await service.invoke('settingsFile.get', undefined)).toEqual({
      ok: true,
      value: { problem: null },
    })
  })

  it('a save in the window replaces the broken file and clears the problem', async () => {
    const { service, events, home } = await companion()
    const file = join(home, 'settings.json')
    writeFileSync(file, '{ "version": 3, "concurrency": ')
    await until(() => (problemEvents(events).length === 1 ? true : undefined))
    expect(problemEvents(events)[0]).toEqual({
      problem: expect.stringMatching(`^Settings file ${file} is not valid JSON`),
    })

    expect(await service.invoke('settings.update', { concurrency: 2 })).toMatchObject({ ok: true })
    expect(problemEvents(events)[1]).toEqual({ problem: null })
    expect(await service.invoke('settingsFile.get', undefined)).toEqual({
      ok: true,
      value: { problem: null },
    })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ concurrency: 2 })
  })
})

describe('CompanionService and the health ping URL', () => {
  const SECRET_PATH = '/ping/companion-0a1b2c3d-secret'

  it('takes the URL from the window only: answers "set", pings it after an upload, and no answer, event or file holds it', async () => {
    const monitor = await startPingMonitor()
    const { seen } = monitor
    const { service, events, home } = await companion()
    const answers: unknown[] = []
    const call = async (...args: Parameters<typeof service.invoke>) => {
      const answer = await service.invoke(...args)
      answers.push(answer)
      return answer
    }
    try {
      expect(await call('health.pingUrl', undefined)).toEqual({ ok: true, value: { set: false } })
      const refused = await call('health.setPingUrl', { url: `ftp://x${SECRET_PATH}` })
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_setting' } })

      const url = monitor.url + SECRET_PATH
      expect(await call('health.setPingUrl', { url })).toEqual({ ok: true, value: { set: true } })
      const backups = tempDir('dropped')
      writeFileSync(join(backups, 'dropped.tar.xz'), backupBytes(4096, 7))
      await call('uploads.enqueue', { paths: [join(backups, 'dropped.tar.xz')] })
      await until(() => (seen.length > 0 ? true : undefined), 30_000)
      expect(seen).toEqual([`GET ${SECRET_PATH}`])
      await call('settings.get', undefined)
      await call('status.get', undefined)

      expect(await call('health.clearPingUrl', undefined)).toEqual({
        ok: true,
        value: { set: false },
      })
      const text = JSON.stringify([answers, events])
      expect(text).not.toContain(SECRET_PATH)
      expect(readFileSync(join(home, 'settings.json'), 'utf8')).not.toContain(SECRET_PATH)
    } finally {
      monitor.close()
    }
  })
})
