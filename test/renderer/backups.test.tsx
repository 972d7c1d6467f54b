// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackupView, RestoreView } from '../../src/renderer/api-types.ts'
import type { CommandResult } from '../../src/shared/ipc-contract.ts'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const ROW = 48
const DAY = 86_400_000
const FIRST = Date.UTC(2026, 10, 22, 8, 0, 0)

const nameOf = (i: number) => `fermentrack_backup_${String(i).padStart(4, '0')}.tar.xz`

/** `count` nightly backups at a destination, newest first, every third not uploaded from here. */
function makeBackups(count: number, connectionId = 'dbx-1'): BackupView[] {
  return Array.from({ length: count }, (_, i) => ({
    connectionId,
    name: nameOf(count - i),
    time: FIRST - i * DAY,
    size: 4_200_000 + i,
    verifiedAtUpload: i % 3 !== 2,
    contentHash: i % 3 !== 2 ? 'ab'.repeat(32) : null,
    checksumAlgorithm: i % 3 !== 2 ? 'sha256' : null,
  }))
}

function fakeWith(backups: BackupView[]) {
  return new FakeCompanion({
    connections: [makeConnection()],
    settings: makeSettings({ localDestination: '/mnt/nas/backups' }),
    backups,
  })
}

async function openBackups(fake: FakeCompanion) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Backups/ }))
  return screen.findByRole('grid', { name: /^Backups at / })
}

const bodyRows = (grid: HTMLElement) =>
  within(grid)
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-rowindex') !== '1')

function restored(overrides: Partial<RestoreView> = {}): RestoreView {
  return {
    restoreId: 41,
    connectionId: 'dbx-1',
    name: nameOf(2000),
    localPath: '/home/pi/Downloads/' + nameOf(2000),
    size: 4_200_000,
    verified: true,
    verifiedBy: 'sha256 recorded at upload',
    ...overrides,
  }
}

/** Holds backups.restore open until the test answers, as a long download does. */
function holdRestore(fake: FakeCompanion) {
  let answer: (result: CommandResult<'backups.restore'>) => void = () => {}
  fake.respond(
    'backups.restore',
    () => new Promise<CommandResult<'backups.restore'>>((resolve) => (answer = resolve)),
  )
  return (result: CommandResult<'backups.restore'>) => act(async () => answer(result))
}

describe('backups in the cloud with 2,000 backups', () => {
  it('renders only a window of rows, and the rows scrolled to', async () => {
    const grid = await openBackups(fakeWith(makeBackups(2000)))
    await within(grid).findByText(nameOf(2000))
    expect(grid.getAttribute('aria-rowcount')).toBe('2001')
    expect(bodyRows(grid).length).toBeGreaterThan(5)
    expect(bodyRows(grid).length).toBeLessThan(40)
    expect(screen.getByText('2,000')).toBeTruthy()

    grid.scrollTop = 1500 * ROW
    fireEvent.scroll(grid)
    await within(grid).findByText(nameOf(500))
    expect(within(grid).queryByText(nameOf(2000))).toBeNull()
    const indexes = bodyRows(grid).map((r) => Number(r.getAttribute('aria-rowindex')))
    expect(Math.min(...indexes)).toBeGreaterThan(1480)
    expect(bodyRows(grid).length).toBeLessThan(40)
  })

  it('shows each backup with its date, size and whether it was verified at upload', async () => {
    const grid = await openBackups(fakeWith(makeBackups(2000)))
    const [newest, , third] = bodyRows(grid)
    expect(within(newest!).getByText(nameOf(2000))).toBeTruthy()
    expect(within(newest!).getByText('4.20 MB')).toBeTruthy()
    expect(within(newest!).getByText('Verified at upload')).toBeTruthy()
    expect(within(newest!).getByText(/2026/)).toBeTruthy()
    expect(within(third!).queryByText('Verified at upload')).toBeNull()
    expect(within(third!).getByText('No checksum recorded at upload')).toBeTruthy()
  })
})

describe('choosing a destination', () => {
  it('offers every destination, the local folder too, and lists the one chosen', async () => {
    const fake = fakeWith([...makeBackups(3), ...makeBackups(2, 'local')])
    await openBackups(fake)
    const picker = screen.getByLabelText('Destination') as HTMLSelectElement
    expect([...picker.options].map((o) => o.textContent)).toEqual([
      'Dropbox · Bob Brewer',
      'Local or NAS folder',
    ])
    expect(fake.callsTo('backups.list')).toEqual([{ connectionId: 'dbx-1' }])

    fireEvent.change(picker, { target: { value: 'local' } })
    const grid = await screen.findByRole('grid', { name: 'Backups at Local or NAS folder' })
    await waitFor(() => expect(bodyRows(grid)).toHaveLength(2))
    expect(fake.callsTo('backups.list')).toEqual([
      { connectionId: 'dbx-1' },
      { connectionId: 'local' },
    ])
  })

  it('lists nothing until the section is opened', async () => {
    const fake = fakeWith(makeBackups(3))
    await renderApp(fake)
    expect(fake.callsTo('backups.list')).toEqual([])
  })

  it('says so when a destination holds no backups, and shows a listing error as it came', async () => {
    const fake = fakeWith([])
    await renderApp(fake)
    fireEvent.click(screen.getByRole('tab', { name: /Backups/ }))
    expect(await screen.findByText('No backups there yet')).toBeTruthy()

    fake.fail('backups.list', 'network', 'The storage could not be reached. Check the network.')
    fireEvent.click(screen.getByRole('button', { name: 'Read the list again' }))
    expect((await screen.findByRole('alert')).textContent).toContain('Check the network.')
  })
})

describe('restoring a backup', () => {
  it('shows progress with speed, time left and Cancel, then the verified result', async () => {
    const fake = fakeWith(makeBackups(2000))
    const answer = holdRestore(fake)
    const grid = await openBackups(fake)
    fireEvent.click(within(grid).getByRole('button', { name: `Restore ${nameOf(2000)}…` }))
    // Only the backup's name goes to main; main picks the folder.
    expect(fake.callsTo('backups.restore')).toEqual([{ connectionId: 'dbx-1', name: nameOf(2000) }])
    const panel = screen.getByRole('region', { name: `Restore of ${nameOf(2000)}` })
    expect(within(panel).getByText('Choose the folder to restore it into…')).toBeTruthy()
    // Every Restore… waits while one runs.
    expect(
      (within(grid).getByRole('button', { name: `Restore ${nameOf(1999)}…` }) as HTMLButtonElement)
        .disabled,
    ).toBe(true)

    act(() =>
      fake.emit('backups.restoreProgress', {
        restoreId: 41,
        connectionId: 'dbx-1',
        name: nameOf(2000),
        bytesDone: 1_680_000,
        size: 4_200_000,
        bytesPerSecond: 840_000,
        etaSeconds: 3,
      }),
    )
    const bar = within(panel).getByRole('progressbar', { name: `Restoring ${nameOf(2000)}` })
    expect(bar.getAttribute('value')).toBe('1680000')
    expect(
      within(panel).getByText('1.68 MB of 4.20 MB · 840 KB/s · a few seconds left'),
    ).toBeTruthy()
    // Announced politely, a tenth at a time.
    expect(within(panel).getByRole('status').textContent).toContain('Restoring: 40% done')

    await answer({ ok: true, value: { outcome: 'restored', restore: restored() } })
    expect(
      within(panel).getByText('Restored and verified (sha256 recorded at upload)'),
    ).toBeTruthy()
    expect(within(panel).getByText(restored().localPath)).toBeTruthy()

    fireEvent.click(within(panel).getByRole('button', { name: 'Show in folder' }))
    await waitFor(() => expect(fake.state.shownInFolder).toEqual([41]))
    expect(fake.callsTo('backups.showInFolder')).toEqual([{ restoreId: 41 }])
  })

  it('cancels the restore by its id', async () => {
    const fake = fakeWith(makeBackups(5))
    const answer = holdRestore(fake)
    const grid = await openBackups(fake)
    fireEvent.click(within(grid).getByRole('button', { name: `Restore ${nameOf(5)}…` }))
    act(() =>
      fake.emit('backups.restoreProgress', {
        restoreId: 7,
        connectionId: 'dbx-1',
        name: nameOf(5),
        bytesDone: 0,
        size: 4_200_000,
        bytesPerSecond: 0,
        etaSeconds: null,
      }),
    )
    fireEvent.click(screen.getByRole('button', { name: 'Cancel restore' }))
    expect(fake.callsTo('backups.cancelRestore')).toEqual([{ restoreId: 7 }])
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeTruthy()
    await answer({ ok: true, value: { outcome: 'cancelled' } })
    expect(screen.getByText('Restore cancelled: nothing was saved.')).toBeTruthy()
  })

  it('warns when only the size could be checked', async () => {
    const fake = fakeWith(makeBackups(5))
    const answer = holdRestore(fake)
    const grid = await openBackups(fake)
    fireEvent.click(within(grid).getByRole('button', { name: `Restore ${nameOf(5)}…` }))
    await answer({
      ok: true,
      value: {
        outcome: 'restored',
        restore: restored({
          name: nameOf(5),
          verified: false,
          verifiedBy: 'its size only: no checksum was recorded for it',
        }),
      },
    })
    expect(screen.getByText(/^Restored, checked by size only/)).toBeTruthy()
    expect(screen.queryByText(/Restored and verified/)).toBeNull()
  })

  it('shows a refused restore with its fix, and no Show in folder', async () => {
    const fake = fakeWith(makeBackups(5))
    const message =
      'The copy at the destination is damaged: nothing was restored. Restore an older backup, and check the storage for damage.'
    fake.fail('backups.restore', 'restore_mismatch', message)
    const grid = await openBackups(fake)
    fireEvent.click(within(grid).getByRole('button', { name: `Restore ${nameOf(5)}…` }))
    expect((await screen.findByRole('alert')).textContent).toBe(message)
    expect(screen.queryByRole('button', { name: 'Show in folder' })).toBeNull()
  })

  it('goes back to the list when the folder picker is cancelled', async () => {
    const fake = fakeWith(makeBackups(5))
    fake.state.chosenFolder = null
    const grid = await openBackups(fake)
    fireEvent.click(within(grid).getByRole('button', { name: `Restore ${nameOf(5)}…` }))
    await waitFor(() => expect(screen.queryByRole('region', { name: /^Restore of/ })).toBeNull())
  })

  it('restores by keyboard: arrows choose a backup and Enter restores it', async () => {
    const fake = fakeWith(makeBackups(5))
    const grid = await openBackups(fake)
    grid.focus()
    fireEvent.keyDown(grid, { key: 'ArrowDown' })
    fireEvent.keyDown(grid, { key: 'ArrowDown' })
    expect(grid.getAttribute('aria-activedescendant')).toBe('backup-row-1')
    fireEvent.keyDown(grid, { key: 'Enter' })
    expect(fake.callsTo('backups.restore')).toEqual([{ connectionId: 'dbx-1', name: nameOf(4) }])
    expect(await screen.findByText(/Restored and verified/)).toBeTruthy()
  })

  it('says how to put the archive back into Fermentrack, and what a restore replaces', async () => {
    await openBackups(fakeWith(makeBackups(1)))
    const guidance = screen.getByRole('region', {
      name: 'Putting a backup back into Fermentrack',
    })
    expect(within(guidance).getByText(/backup and restore page/)).toBeTruthy()
    expect(within(guidance).getByText('A restore replaces the brewhouse’s data')).toBeTruthy()
  })
})
