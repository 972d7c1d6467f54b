// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeHistory, makeJob, makeStatus, SPACE_ERROR } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const ROW = 52

function bigHistory() {
  const fake = new FakeCompanion({ connections: [makeConnection()], history: makeHistory(10_000) })
  fake.state.status = makeStatus({
    counts: { queued: 0, uploading: 0, verifying: 0, done: 9000, failed: 1000, cancelled: 0 },
  })
  return fake
}

const grid = () => screen.getByRole('grid', { name: 'Upload history' })
const bodyRows = () =>
  within(grid())
    .getAllByRole('row')
    .filter((r) => r.getAttribute('aria-rowindex') !== '1')

describe('history with 10,000 uploads', () => {
  it('renders only a window of rows and asks for one page', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_10000.tar.xz')
    expect(grid().getAttribute('aria-rowcount')).toBe('10001')
    expect(bodyRows().length).toBeGreaterThan(5)
    expect(bodyRows().length).toBeLessThan(40)
    expect(fake.callsTo('uploads.history')).toEqual([{ limit: 100, offset: 0 }])
    expect(screen.getByText('10,000')).toBeTruthy()
  })

  it('loads and renders the rows scrolled to, and only those', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_10000.tar.xz')
    grid().scrollTop = 5000 * ROW
    fireEvent.scroll(grid())
    // Row 5000 (0-based) is job 5000, on page 50.
    await within(grid()).findByText('fermentrack_backup_05000.tar.xz')
    expect(fake.callsTo('uploads.history')).toContainEqual({ limit: 100, offset: 5000 })
    expect(within(grid()).queryByText('fermentrack_backup_10000.tar.xz')).toBeNull()
    const indexes = bodyRows().map((r) => Number(r.getAttribute('aria-rowindex')))
    expect(Math.min(...indexes)).toBeGreaterThan(4980)
    expect(bodyRows().length).toBeLessThan(40)
  })

  it('moves the selection by keyboard and shows the selected upload', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_10000.tar.xz')
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(
      screen.getByRole('region', { name: 'Details of fermentrack_backup_10000.tar.xz' }),
    ).toBeTruthy()
    expect(grid().getAttribute('aria-activedescendant')).toBe('history-row-0')

    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(
      screen.getByRole('region', { name: 'Details of fermentrack_backup_09999.tar.xz' }),
    ).toBeTruthy()

    fireEvent.keyDown(grid(), { key: 'End' })
    await screen.findByRole('region', { name: 'Details of fermentrack_backup_00001.tar.xz' })
    expect(fake.callsTo('uploads.history')).toContainEqual({ limit: 100, offset: 9900 })

    fireEvent.keyDown(grid(), { key: 'Escape' })
    expect(screen.queryByRole('region', { name: /Details of/ })).toBeNull()
  })

  it('filters by status', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_10000.tar.xz')
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'failed' } })
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('1001'))
    expect(fake.callsTo('uploads.history')).toContainEqual({
      limit: 100,
      offset: 0,
      status: 'failed',
    })
    for (const row of bodyRows()) expect(within(row).getByText('Failed')).toBeTruthy()
  })

  it('filters by text, and offers a way back when nothing matches', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_10000.tar.xz')
    fireEvent.change(screen.getByLabelText('Search uploads'), { target: { value: '00042' } })
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('2'))
    expect(within(grid()).getByText('fermentrack_backup_00042.tar.xz')).toBeTruthy()
    expect(fake.callsTo('uploads.history')).toContainEqual({ limit: 100, offset: 0, text: '00042' })

    fireEvent.change(screen.getByLabelText('Search uploads'), {
      target: { value: 'no-such-backup' },
    })
    // Under load a render can take longer than findBy's default second.
    await screen.findByText('No uploads match', {}, { timeout: 5000 })
    fireEvent.click(screen.getByRole('button', { name: 'Show all uploads' }))
    await screen.findByText('fermentrack_backup_10000.tar.xz')
    expect(grid().getAttribute('aria-rowcount')).toBe('10001')
    expect((screen.getByLabelText('Search uploads') as HTMLInputElement).value).toBe('')
  })

  it('retries a failed row; the job event updates the row in place', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    const row = (await within(grid()).findByText('fermentrack_backup_09990.tar.xz')).closest(
      '[role="row"]',
    ) as HTMLElement
    expect(within(row).getByText('Failed')).toBeTruthy()
    expect(within(row).getByText(SPACE_ERROR.message)).toBeTruthy()

    fireEvent.click(
      within(row).getByRole('button', { name: 'Retry fermentrack_backup_09990.tar.xz' }),
    )
    await screen.findByText('Trying fermentrack_backup_09990.tar.xz again')
    expect(fake.callsTo('uploads.retry')).toEqual([{ jobId: 9990 }])
    expect(within(row).getByText('Waiting')).toBeTruthy()
  })

  it('shows a failed upload’s error with its fix in the details, with Retry', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    const name = await within(grid()).findByText('fermentrack_backup_09990.tar.xz')
    fireEvent.click(name)
    const details = screen.getByRole('region', {
      name: 'Details of fermentrack_backup_09990.tar.xz',
    })
    expect(within(details).getByRole('alert').textContent).toBe(SPACE_ERROR.message)
    expect(within(details).getByText('Failed after 6 tries')).toBeTruthy()
    fireEvent.click(within(details).getByRole('button', { name: 'Retry upload' }))
    await waitFor(() => expect(fake.callsTo('uploads.retry')).toEqual([{ jobId: 9990 }]))
  })

  it('retries every failed upload at once', async () => {
    const fake = bigHistory()
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'Retry 1000 failed' }))
    await screen.findByText('Trying 1000 failed uploads again')
    expect(fake.callsTo('uploads.retryAllFailed')).toEqual([undefined])
  })

  it('refreshes the visible page when new jobs arrive', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], history: makeHistory(3) })
    await renderApp(fake)
    await within(grid()).findByText('fermentrack_backup_00003.tar.xz')
    const fresh = makeJob({ id: 4, state: 'queued', remotePath: null, finishedAt: null })
    fake.state.history = [fresh, ...fake.state.history]
    act(() => fake.emit('uploads.job', fresh))
    await within(grid()).findByText('fermentrack_backup_00004.tar.xz', {}, { timeout: 2000 })
    expect(grid().getAttribute('aria-rowcount')).toBe('5')
  })
})

describe('an upload Dropbox asked us to hold back', () => {
  it('reads "waiting until HH:MM (Dropbox asked us to slow down)" in its row and details', async () => {
    const until = new Date(2026, 11, 6, 14, 5, 30).getTime()
    const waiting = makeJob({
      id: 1,
      state: 'queued',
      attempts: 0,
      remotePath: null,
      finishedAt: null,
      error: {
        code: 'rate_limited',
        message:
          'Dropbox asked to wait 400 s. Nothing to do: the app waits as long as the provider asks and then retries.',
      },
      waiting: { until, reason: 'Dropbox asked us to slow down' },
    })
    const fake = new FakeCompanion({ connections: [makeConnection()], history: [waiting] })
    await renderApp(fake)
    const text = 'waiting until 14:05 (Dropbox asked us to slow down)'
    const row = (await within(grid()).findByText(text)).closest('[role="row"]') as HTMLElement
    expect(within(row).getByText('Waiting')).toBeTruthy()
    fireEvent.click(within(row).getByText(waiting.name))
    const details = screen.getByRole('region', { name: `Details of ${waiting.name}` })
    expect(within(details).getByText(`Waiting: ${text}`)).toBeTruthy()
  })
})

describe('history rows as tall as their content', () => {
  const ROW_FAILED = 96
  const HEADER = 32
  const VIEWPORT = 480 // the hook's stand-in while the scroller has no layout

  /** Layout happy-dom lacks: a failed row (its error wrapped) is taller than the others. */
  function withRowHeights() {
    return vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
      this: HTMLElement,
    ) {
      const row = this.getAttribute('role') === 'row'
      const height = !row ? 0 : this.classList.contains('state-failed') ? ROW_FAILED : ROW
      return DOMRect.fromRect({ x: 0, y: 0, width: 600, height })
    })
  }
  afterEach(() => vi.restoreAllMocks())

  const bodyHeight = () =>
    parseFloat((grid().querySelector('.grid-body') as HTMLElement).style.height)
  const renderedFailed = () => grid().querySelectorAll('.grid-body .state-failed').length

  it('measures each rendered row: failed rows count taller in the list height', async () => {
    withRowHeights()
    // Every tenth upload failed: rows 0, 10, 20 and 30.
    await renderApp(
      new FakeCompanion({ connections: [makeConnection()], history: makeHistory(40) }),
    )
    await within(grid()).findByText('fermentrack_backup_00040.tar.xz')
    await waitFor(() => expect(renderedFailed()).toBe(2))
    expect(bodyHeight()).toBe(40 * ROW + 2 * (ROW_FAILED - ROW))
  })

  it('End scrolls the last row into view by the measured heights above it', async () => {
    withRowHeights()
    await renderApp(
      new FakeCompanion({ connections: [makeConnection()], history: makeHistory(40) }),
    )
    await within(grid()).findByText('fermentrack_backup_00040.tar.xz')
    await waitFor(() => expect(bodyHeight()).toBe(40 * ROW + 2 * (ROW_FAILED - ROW)))
    grid().focus()
    fireEvent.keyDown(grid(), { key: 'End' })
    await screen.findByRole('region', { name: 'Details of fermentrack_backup_00001.tar.xz' })
    // The bottom of row 39 at the bottom of the view, counting the three taller rows above it
    // (row 30 is measured once scrolled to, and the library keeps the view in place).
    // Fixed-height arithmetic (39 × 52 + 52) would stop short, under the taller rows.
    const visible = VIEWPORT - HEADER
    await waitFor(() => expect(renderedFailed()).toBe(1))
    expect(bodyHeight()).toBe(40 * ROW + 3 * (ROW_FAILED - ROW))
    expect(grid().scrollTop).toBe(40 * ROW + 3 * (ROW_FAILED - ROW) - visible)
    expect(grid().getAttribute('aria-activedescendant')).toBe('history-row-39')
  })
})

describe('backups retention deleted', () => {
  const planted = 'fermentrack_backup-2026-10-01T10.00.00.tar.xz'

  function prunedHistory() {
    const [newest, older, oldest] = makeHistory(3)
    return new FakeCompanion({
      connections: [makeConnection()],
      history: [newest!, older!, { ...oldest!, prunedAt: Date.now(), prunedBy: 'keepLast=2' }],
      removals: [
        {
          id: 1,
          connectionId: makeConnection().id,
          name: planted,
          path: `/Fermentrack Backups/${planted}`,
          rule: 'keepLast=2',
          text: 'pruned by keepLast=2; not uploaded by this app',
          removedAt: Date.now(),
        },
      ],
    })
  }

  it('lists a pruned backup this app did not upload, saying so', async () => {
    await renderApp(prunedHistory())
    const list = await screen.findByRole('list', { name: 'Removed by retention' })
    const item = within(list).getByText(planted).closest('li')!
    expect(item.textContent).toContain('pruned by keepLast=2; not uploaded by this app')
  })

  it('marks an upload of ours that retention deleted on its own row', async () => {
    await renderApp(prunedHistory())
    const row = (await within(grid()).findByText('fermentrack_backup_00001.tar.xz')).closest(
      '[role="row"]',
    )!
    expect(row.textContent).toContain('pruned by keepLast=2')
    const fresh = within(grid())
      .getByText('fermentrack_backup_00003.tar.xz')
      .closest('[role="row"]')!
    expect(fresh.textContent).not.toContain('pruned')
  })

  it('shows no deletions under a status filter (they are not uploads)', async () => {
    const fake = prunedHistory()
    await renderApp(fake)
    await screen.findByRole('list', { name: 'Removed by retention' })
    fireEvent.change(screen.getByRole('combobox', { name: 'Show' }), {
      target: { value: 'failed' },
    })
    await waitFor(() =>
      expect(screen.queryByRole('list', { name: 'Removed by retention' })).toBeNull(),
    )
  })
})
