import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { dropboxContentHash, MIB, writeBackup } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import { APP_KEY } from '../support/dropbox-fixture.ts'
import {
  ACCOUNT,
  briefly,
  dismissToasts,
  dragOver,
  dropBackup,
  dropOnOverlay,
  historyRow,
  historyStatus,
  nextOpenedUrl,
  playBrowserSignIn,
  storedAtPath,
  until,
} from './app-harness.ts'
import { appSuite } from './app-suite.ts'
import { firstSource } from '../../src/shared/source-names.ts'
import { fileSends } from '../support/dropbox-fixture.ts'

const { open, openConnected } = appSuite()

describe('connecting Dropbox from the window', () => {
  it('opens the authorize URL in the browser and shows the account once Dropbox redirects back', async () => {
    const app = await open()
    const page = await app.open()
    await until(() => page.getByText('Not backing up yet').isVisible()).toBe(true)

    await page.getByRole('tab', { name: 'Connections' }).click()
    await page.getByRole('button', { name: 'Connect Dropbox' }).click()
    const url = await nextOpenedUrl(app, 0)
    expect(url.startsWith(app.emulator.authorizeUrl)).toBe(true)
    const params = new URL(url).searchParams
    expect(params.get('client_id')).toBe(APP_KEY)
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('redirect_uri')).toBe(
      `http://127.0.0.1:${app.env.FTB_LOOPBACK_PORT}/oauth/callback`,
    )
    // While the browser is out, the card waits and offers the same link to copy.
    await until(() =>
      page.getByText('Waiting for you to choose “Allow” in your browser…').isVisible(),
    ).toBe(true)
    expect(await page.getByLabel('Browser didn’t open? Copy this link into it:').inputValue()).toBe(
      url,
    )

    await playBrowserSignIn(url)

    const card = page.getByRole('article', { name: `Dropbox account ${ACCOUNT.name}` })
    await until(() => card.isVisible()).toBe(true)
    expect(await card.getByRole('heading', { name: ACCOUNT.name }).isVisible()).toBe(true)
    expect(await card.getByText(ACCOUNT.email).isVisible()).toBe(true)
    expect(await card.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    const meter = card.getByRole('meter', { name: '0 B of 2.00 GB used' })
    expect(await meter.getAttribute('max')).toBe('2000000000')
    expect(await page.getByText(`Signed in as ${ACCOUNT.name}.`).isVisible()).toBe(true)
    expect(await page.getByText('Waiting for you to choose').count()).toBe(0)
    expect(app.bridge.companion.currentStatus().tray).toBe('idle')
    expect(app.bridge.engine.connections.list().map((c) => c.account.email)).toEqual([
      ACCOUNT.email,
    ])
  })
})

describe('dropping a backup on the window', () => {
  it('shows the overlay, the transfer’s progress, then the verified upload with Dropbox’s content hash', async () => {
    // 4 MiB chunks: a 12 MiB backup goes up in an upload session, a chunk per request.
    const { app, page } = await openConnected({ chunkSize: 4 * MIB })
    const name = 'fermentrack-backup-2026-11-20.tar.xz'
    // The second chunk is held up, so the transfer stands part-way for a while.
    app.emulator.injectFault('/2/files/upload_session/append_v2', { kind: 'delay', ms: 1500 })

    const path = await writeBackup(app.dropDir, name, 12 * MIB, 7)
    const transfer = await dragOver(page, [name])
    const overlay = page.getByText('Drop to upload now')
    await until(() => overlay.isVisible()).toBe(true)
    expect(await page.getByText(`Backups go to Dropbox · ${ACCOUNT.name}.`).isVisible()).toBe(true)
    await dropOnOverlay(page, transfer)
    await until(() => overlay.isVisible()).toBe(false)

    const bar = page.getByRole('progressbar', { name: `Upload of ${name}` })
    const row = page.getByRole('list', { name: 'Uploads in progress' }).getByRole('listitem')
    // Part-way: the first 4 MiB chunk acknowledged, the next one held up by the emulator.
    await until(async () => {
      const [reading] = await bar.evaluateAll((bars) =>
        bars.map((el) => {
          const p = el as unknown as { value: number; max: number }
          return `${p.value}/${p.max}`
        }),
      )
      const facts = await row.filter({ hasText: name }).allTextContents()
      return { reading, shown: /4\.19 MB of 12\.6 MB/.test(facts.join()) }
    }).toEqual({ reading: `${4 * MIB}/${12 * MIB}`, shown: true })

    const history = historyRow(page, name)
    await until(() => historyStatus(page, name)).toBe('Uploaded')
    await until(() => bar.count()).toBe(0)
    const stored = storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)
    expect(stored?.size).toBe(12 * MIB)
    expect(stored?.content_hash).toBe(await dropboxContentHash(path))
    expect(app.emulator.count('/2/files/upload_session/start')).toBe(1)
    expect(
      await history
        .getByText(`Dropbox · ${ACCOUNT.name} · /Fermentrack Backups/${name}`)
        .isVisible(),
    ).toBe(true)

    await history.click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    await until(() => details.isVisible()).toBe(true)
    expect(
      await details
        .getByText(`dropbox-content-hash ${stored!.content_hash}`, { exact: true })
        .isVisible(),
    ).toBe(true)
    expect(
      await details.getByText(`/Fermentrack Backups/${name}`, { exact: true }).isVisible(),
    ).toBe(true)
    expect(await details.getByText(/\(dropped here\)$/).isVisible()).toBe(true)
  })
})

describe('a failing upload', () => {
  it('shows Dropbox’s “full” error with its fix, and uploads after Retry', async () => {
    const { app, page } = await openConnected()
    const name = 'fermentrack-backup-2026-11-21.tar.xz'
    // A small backup goes up whole in files/upload, which is where the commit fails.
    app.emulator.injectFault('/2/files/upload', { kind: 'insufficient_space' })

    await dropBackup(page, app, name, 256 * 1024, 3)

    const { cause, fix } = ERROR_CODES.insufficient_space
    const row = historyRow(page, name)
    await until(() => historyStatus(page, name)).toBe('Failed')
    expect(await row.getByText(`${cause} ${fix}`).isVisible()).toBe(true)
    // The header and the banner say it on every screen, file name first.
    const status = page.getByRole('status').filter({ hasText: 'Needs your attention' })
    expect(await status.getByText('1 failed').isVisible()).toBe(true)
    const banner = page.getByRole('alert').filter({ hasText: 'Last problem' })
    expect(await banner.getByText(`${name}: ${cause} ${fix}`).isVisible()).toBe(true)
    expect(await page.getByRole('tab', { name: /^Uploads\W+1 failed$/ }).isVisible()).toBe(true)

    await row.click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    expect(await details.getByRole('alert').textContent()).toBe(`${cause} ${fix}`)
    expect(app.emulator.files().size).toBe(0)

    // Success toasts stay 6 s and cover the details' actions at this window size (a reported
    // product issue); a user closes them first.
    await dismissToasts(page)
    await details.getByRole('button', { name: 'Retry upload' }).click()

    await until(() => historyStatus(page, name)).toBe('Uploaded')
    await until(() => banner.count()).toBe(0)
    await until(() => page.getByRole('tab', { name: /failed/ }).count()).toBe(0)
    expect(await details.getByText('Uploaded', { exact: true }).isVisible()).toBe(true)
    const stored = storedAtPath(app.emulator, `/Fermentrack Backups/${name}`)
    expect(
      await details
        .getByText(`dropbox-content-hash ${stored!.content_hash}`, { exact: true })
        .isVisible(),
    ).toBe(true)
    expect(stored?.size).toBe(256 * 1024)
    expect(fileSends(app.emulator)).toBe(2)
  })
})

describe('the header after the last upload', () => {
  it('says all backups are uploaded once the last one is verified', async () => {
    const { app, page } = await openConnected({ sources: [firstSource(tempDir('watched'))] })
    const name = 'fermentrack-backup-2026-11-27.tar.xz'

    await dropBackup(page, app, name, 1024, 21)

    await until(() => historyStatus(page, name)).toBe('Uploaded')
    expect(app.bridge.companion.currentStatus().tray).toBe('idle')
    await briefly(() =>
      page.getByRole('status').getByText('All backups uploaded').isVisible(),
    ).toBe(true)
  })
})
