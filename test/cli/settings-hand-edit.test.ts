import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeBackup } from '../support/backup-files.ts'
import { runCli, startCli, tempDirsPerTest } from '../support/cli-process.ts'
import { startWatch, stopCli, writeSettings } from '../support/upload-fixture.ts'
import { waitForOutput, waitWhileRunning } from '../support/wait-for.ts'

vi.setConfig({ testTimeout: 120_000 })

const dir = tempDirsPerTest()

/** Fermentrack-style names, oldest first, a day apart. */
const NAMES = [1, 2, 3, 4, 5].map((day) => `fermentrack_backup-2026-11-0${day}T10.00.00.tar.xz`)

/** The file edited the way a person would: read, change, write back over it. */
function editByHand(home: string, change: (settings: Record<string, unknown>) => void) {
  const file = join(home, 'settings.json')
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  change(settings)
  writeFileSync(file, JSON.stringify(settings, null, 2))
}

describe('settings.json edited by hand while `watch` runs', () => {
  it('retention turned on by hand prunes the next uploads; a broken edit leaves it on', async () => {
    const home = dir('home')
    const nas = dir('nas')
    const pi = dir('pi')
    const env = { FTB_HOME: home, FTB_LOCAL_DESTINATION: nas, DROPBOX_APP_KEY: '' }
    writeSettings(home, { settleSeconds: 0.2 })
    const target = join(nas, 'Fermentrack Backups')
    const listing = () => (existsSync(target) ? readdirSync(target).sort() : [])

    const watch = await startWatch(pi, env)
    // Retention is off: the first two stay.
    for (const [i, name] of NAMES.slice(0, 2).entries()) {
      await writeBackup(pi, name, 20_000, i)
      await waitForOutput(watch, `Uploaded ${name}`)
    }
    expect(listing()).toEqual(NAMES.slice(0, 2))

    editByHand(home, (s) => {
      s.retention = { keepLast: 2 }
    })
    await waitForOutput(
      watch,
      `Settings changed in ${join(home, 'settings.json')}: retention in effect now.`,
    )
    for (const [i, name] of NAMES.slice(2, 4).entries()) {
      await writeBackup(pi, name, 20_000, 2 + i)
      await waitForOutput(watch, `Uploaded ${name}`)
    }
    await waitWhileRunning(watch, () => listing().join() === NAMES.slice(2, 4).join(), {
      what: 'the destination pruned to the 2 newest',
    })

    // A broken edit: said once, in one line, and keepLast=2 stays in effect. The file is left as
    // the person wrote it (conf would have cleared it, and retention with it).
    const broken = '{ "version": 3, "retention": { "keepLast": 2 '
    writeFileSync(join(home, 'settings.json'), broken)
    await waitForOutput(watch, 'is not valid JSON')
    await writeBackup(pi, NAMES[4]!, 20_000, 4)
    await waitForOutput(watch, `Uploaded ${NAMES[4]}`)
    await waitWhileRunning(watch, () => listing().join() === NAMES.slice(3).join(), {
      what: 'the destination pruned to the 2 newest under the last good settings',
    })
    expect((await stopCli(watch)).code).toBe(0)

    expect(listing()).toEqual(NAMES.slice(3))
    expect(readFileSync(join(home, 'settings.json'), 'utf8')).toBe(broken)
    const warnings = watch
      .output()
      .stdout.split('\n')
      .filter((line) => line.includes('Warning:'))
    expect(warnings).toEqual([
      `Warning: Settings file ${join(home, 'settings.json')} is not valid JSON (${jsonError(broken)}); the settings from before stay in effect until it is corrected.`,
    ])
  })
})

describe('a source added to settings.json by hand while `watch` runs', () => {
  it('is watched at once: the watchers start again, and its backup goes to its own subfolder', async () => {
    const home = dir('home')
    const nas = dir('nas')
    const [pi1, pi2] = [dir('pi1'), dir('pi2')]
    const env = { FTB_HOME: home, FTB_LOCAL_DESTINATION: nas, DROPBOX_APP_KEY: '' }
    writeSettings(home, { settleSeconds: 0.2 })
    const added = await runCli(['sources', 'add', '--folder', pi1, '--label', 'Brewhouse 1'], env)
    expect(added.code, added.stderr).toBe(0)
    const watch = startCli(['watch'], env)
    watch.child.stdin.end()
    await waitForOutput(watch, `Found 0 backups in ${pi1} (Brewhouse 1).`)

    editByHand(home, (s) => {
      const sources = s.sources as Array<Record<string, unknown>>
      sources.push({
        id: 'pi-2',
        label: 'Brewhouse 2',
        folder: pi2,
        remoteSubfolder: 'Brewhouse 2',
      })
    })
    await waitForOutput(
      watch,
      `Settings changed in ${join(home, 'settings.json')}: sources in effect now.`,
    )
    await waitForOutput(watch, `Found 0 backups in ${pi2} (Brewhouse 2).`)
    await writeBackup(pi2, NAMES[0]!, 20_000, 0)
    await waitForOutput(watch, `Uploaded ${NAMES[0]}`)
    expect((await stopCli(watch)).code).toBe(0)

    expect(readdirSync(join(nas, 'Fermentrack Backups', 'Brewhouse 2'))).toEqual([NAMES[0]])
  })
})

function jsonError(text: string): string {
  try {
    JSON.parse(text)
    return ''
  } catch (error) {
    return (error as Error).message
  }
}
