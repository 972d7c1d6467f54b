import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { dropboxContentHash, writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import {
  ACCOUNT,
  briefly,
  dismissToasts,
  dropBackup,
  fileRequests,
  historyRow,
  historyStatus,
  jobsOf,
  nextOpenedUrl,
  playBrowserSignIn,
  storedAtPath,
  until,
  type App,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { openConnected } = appSuite()

const reauthBanner = (page: Page) =>
  page.getByRole('alert').filter({ hasText: `Sign in to Dropbox again (${ACCOUNT.name})` })

/** The states of every job, straight from the engine. */
const queuedStates = async (app: App) => (await jobsOf(app)).map((job) => job.state)

describe('pausing uploads from the window', () => {
  it('keeps a dropped backup waiting, with nothing sent to Dropbox, until Resume', async () => {
    const { app, page } = await openConnected()
    const name = 'fermentrack-backup-2026-11-22.tar.xz'

    await page.getByRole('button', { name: 'Pause uploads' }).click()
    const header = page.getByRole('status').filter({ hasText: 'Uploads paused' })
    await until(() => header.isVisible()).toBe(true)
    expect(app.bridge.engine.uploads.store.pausedScopes()).toEqual(['*'])

    const path = await dropBackup(page, app, name, 300 * 1024, 5)

    expect(
      await page
        .getByText('Uploads are paused. Resume them to carry on where they stopped.')
        .isVisible(),
    ).toBe(true)
    // Queueing rang the queue's doorbell already; ring it once more: it still starts nothing.
    await app.bridge.engine.uploads.nudge()
    expect(app.bridge.engine.uploads.activeJobs()).toEqual([])
    expect(await queuedStates(app)).toEqual(['queued'])
    expect(fileRequests(app.emulator)).toEqual([])
    expect(await header.isVisible()).toBe(true)

    await page.getByRole('button', { name: 'Resume uploads' }).click()

    await until(() => historyStatus(page, name)).toBe('Uploaded')
    expect(await page.getByRole('button', { name: 'Pause uploads' }).isVisible()).toBe(true)
    expect(storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)?.content_hash).toBe(
      await dropboxContentHash(path),
    )
  })
})

describe('work that waits', () => {
  it('lists a backup dropped while paused as Waiting, and the header counts it', async () => {
    const { app, page } = await openConnected()
    const name = 'fermentrack-backup-2026-11-25.tar.xz'
    await page.getByRole('button', { name: 'Pause uploads' }).click()
    const header = page.getByRole('status').filter({ hasText: 'Uploads paused' })
    await until(() => header.isVisible()).toBe(true)

    await dropBackup(page, app, name, 1024, 6)

    expect(await queuedStates(app)).toEqual(['queued'])
    await briefly(() => historyStatus(page, name)).toBe('Waiting')
    expect(await header.getByText('1 waiting for you to resume').isVisible()).toBe(true)
  })
})

describe('saving settings', () => {
  it('watches the chosen backups folder and uploads what appears there into the new remote folder', async () => {
    const { app, page } = await openConnected()
    const watched = tempDir('watched')
    const remote = '/Brewery/Fermenter 2'

    await page.getByRole('tab', { name: 'Settings' }).click()
    app.bridge.nextFolder.value = watched
    await page.getByRole('button', { name: 'Add a Fermentrack' }).click()
    await page.getByRole('button', { name: 'Choose the backups folder of Fermentrack…' }).click()
    const form = page.getByRole('tabpanel', { name: 'Settings' })
    await until(() => form.getByText(watched, { exact: true }).isVisible()).toBe(true)
    await form.getByLabel('Remote folder').fill(remote)
    expect(await form.getByText('You have unsaved changes.').isVisible()).toBe(true)
    // Nothing takes effect before Save.
    expect(app.bridge.engine.settings.get().sources).toEqual([])

    // The sign-in's success toast covers the save bar for its 6 s (a reported product issue); a
    // user closes it first.
    await dismissToasts(page)
    await form.getByRole('button', { name: 'Save changes' }).click()

    await until(() => form.getByText('Saved', { exact: true }).isVisible()).toBe(true)
    expect(app.bridge.engine.settings.get()).toMatchObject({
      sources: [{ label: 'Fermentrack', folder: watched, remoteSubfolder: null }],
      remoteFolder: remote,
    })
    await until(() => page.getByRole('status').getByText(`Watching ${watched}`).isVisible()).toBe(
      true,
    )

    // Fermentrack writes its next backup into the folder.
    const name = 'fermentrack-backup-2026-11-23.tar.xz'
    const path = await writeBackup(watched, name, 200 * 1024, 11)

    await page.getByRole('tab', { name: 'Uploads' }).click()
    await until(() => historyStatus(page, name)).toBe('Uploaded')
    const stored = storedAtPath(app.emulator, `${remote}/${name}`)
    expect(stored?.content_hash).toBe(await dropboxContentHash(path))
    expect(storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)).toBeUndefined()
    await historyRow(page, name).click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    expect(await details.getByText(`${remote}/${name}`, { exact: true }).isVisible()).toBe(true)
    expect(await details.getByText(/\(watched folder\)$/).isVisible()).toBe(true)
  })
})

describe('a revoked Dropbox sign-in', () => {
  it('shows the reconnect banner; reconnecting in the browser clears it and the waiting upload completes', async () => {
    const { app, page } = await openConnected()
    const name = 'fermentrack-backup-2026-11-24.tar.xz'
    app.emulator.revokeAll()
    app.emulator.expireAccessTokens()

    const path = await dropBackup(page, app, name, 100 * 1024, 13)

    await until(() => app.bridge.engine.connections.list()[0]?.status).toBe('needs_reauth')
    // The job goes back to the queue, to wait for the account without using up its tries.
    await until(() => queuedStates(app)).toEqual(['queued'])
    expect(app.emulator.files().size).toBe(0)
    // No reload: the window hears of the connection's new status as it happens.
    const banner = reauthBanner(page)
    await until(() => banner.isVisible()).toBe(true)
    expect(await page.getByRole('tab', { name: /sign-in needed/ }).isVisible()).toBe(true)

    const seen = app.bridge.opened.length
    await banner.getByRole('button', { name: 'Reconnect' }).click()
    // Reconnecting happens on the account itself, in Connections.
    const card = page.getByRole('article', { name: `Dropbox account ${ACCOUNT.name}` })
    await until(() =>
      card.getByText('Waiting for you to choose “Allow” in your browser…').isVisible(),
    ).toBe(true)
    await playBrowserSignIn(await nextOpenedUrl(app, seen))

    await until(() => card.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    await page.getByRole('tab', { name: 'Uploads' }).click()
    await until(() => historyStatus(page, name)).toBe('Uploaded')
    expect(await banner.count()).toBe(0)
    expect(storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)?.content_hash).toBe(
      await dropboxContentHash(path),
    )
    // The same account came back: one connection, the same one the upload waited for.
    expect(app.bridge.engine.connections.list()).toHaveLength(1)
  })
})
