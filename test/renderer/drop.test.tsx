// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const file = (name: string) => new File(['backup bytes'], name, { type: 'application/x-xz' })
const withFiles = (...files: File[]) => ({ dataTransfer: { types: ['Files'], files } })
const withText = { dataTransfer: { types: ['text/plain', 'text/uri-list'], files: [] } }

const FOLDER_MESSAGE =
  '/home/brewer/brew-logs is a folder or another kind of non-file. Drop backup files (.tar.xz or .zip), not folders or links.'

describe('drag and drop anywhere', () => {
  it('shows the overlay while files are dragged over the window', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()] }))
    fireEvent.dragEnter(window, withFiles(file('a.tar.xz')))
    expect(screen.getByText('Drop to upload now')).toBeTruthy()
    expect(screen.getByText('Backups go to Dropbox · Bob Brewer.')).toBeTruthy()
    fireEvent.dragLeave(window, withFiles(file('a.tar.xz')))
    expect(screen.queryByText('Drop to upload now')).toBeNull()
  })

  it('queues dropped files at once, by their paths, to every destination', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await renderApp(fake)
    fireEvent.dragEnter(window, withFiles(file('a.tar.xz'), file('b.tar.xz')))
    fireEvent.drop(window, withFiles(file('a.tar.xz'), file('b.tar.xz')))
    expect(screen.queryByText('Drop to upload now')).toBeNull()
    await screen.findByText('Queued 2 backups for upload')
    expect(fake.callsTo('uploads.enqueue')).toEqual([
      { paths: ['/home/pi/Downloads/a.tar.xz', '/home/pi/Downloads/b.tar.xz'] },
    ])
  })

  it('offers one destination per zone when there are several; the zone picks it', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection()],
      settings: makeSettings({ localDestination: '/mnt/nas' }),
    })
    await renderApp(fake)
    fireEvent.dragEnter(window, withFiles(file('a.tar.xz')))
    expect(screen.getByText('To all 2 destinations, or drop on one below.')).toBeTruthy()
    const zone = screen.getByText('Only Dropbox · Bob Brewer')
    expect(screen.getByText('Only Local or NAS folder')).toBeTruthy()
    fireEvent.drop(zone, withFiles(file('a.tar.xz')))
    await screen.findByText('Queued 1 backup for upload')
    expect(fake.callsTo('uploads.enqueue')).toEqual([
      { paths: ['/home/pi/Downloads/a.tar.xz'], connectionId: 'dbx-1' },
    ])
  })

  it('sends to all destinations when dropped on the main zone', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection()],
      settings: makeSettings({ localDestination: '/mnt/nas' }),
    })
    await renderApp(fake)
    fireEvent.dragEnter(window, withFiles(file('a.tar.xz')))
    fireEvent.drop(screen.getByText('Drop to upload now'), withFiles(file('a.tar.xz')))
    await screen.findByText('Queued 1 backup for upload')
    expect(fake.callsTo('uploads.enqueue')).toEqual([{ paths: ['/home/pi/Downloads/a.tar.xz'] }])
  })

  it('rejects dragged text and links with a clear message', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    await renderApp(fake)
    fireEvent.dragEnter(window, withText)
    expect(screen.getByText('Only files can be dropped here')).toBeTruthy()
    fireEvent.drop(window, withText)
    expect(await screen.findByText('Only files can be uploaded')).toBeTruthy()
    expect(fake.callsTo('uploads.enqueue')).toEqual([])
  })

  it('shows the main process’s rejection (a folder) as it is', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.fail('uploads.enqueue', 'not_a_file', FOLDER_MESSAGE)
    await renderApp(fake)
    fireEvent.drop(window, withFiles(new File([], 'brew-logs')))
    const title = await screen.findByText('Couldn’t queue brew-logs')
    expect(title.closest('[role="alert"]')?.textContent).toContain(FOLDER_MESSAGE)
  })

  it('still queues the good files when one of several is refused', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.respond('uploads.enqueue', (input) =>
      input.paths.some((p) => p.endsWith('brew-logs'))
        ? { ok: false, error: { code: 'not_a_file', message: FOLDER_MESSAGE } }
        : fake.defaultAnswer('uploads.enqueue', input),
    )
    await renderApp(fake)
    fireEvent.drop(window, withFiles(file('good.tar.xz'), new File([], 'brew-logs')))
    await screen.findByText('Couldn’t queue brew-logs')
    await screen.findByText('Queued 1 backup for upload')
    expect(fake.callsTo('uploads.enqueue')).toEqual([
      { paths: ['/home/pi/Downloads/good.tar.xz', '/home/pi/Downloads/brew-logs'] },
      { paths: ['/home/pi/Downloads/good.tar.xz'] },
      { paths: ['/home/pi/Downloads/brew-logs'] },
    ])
  })

  it('refuses items that are not files on disk', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.pathForFile = () => ''
    await renderApp(fake)
    fireEvent.drop(window, withFiles(file('from-a-web-page.png')))
    expect(await screen.findByText('Can’t upload from-a-web-page.png')).toBeTruthy()
    expect(screen.getByText(/Save it to a folder first/)).toBeTruthy()
    expect(fake.callsTo('uploads.enqueue')).toEqual([])
  })

  it('says when a dropped backup is already uploaded', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.respond('uploads.enqueue', async (input) => {
      const queued = await fake.defaultAnswer('uploads.enqueue', input)
      if (!queued.ok) return queued
      return { ok: true, value: queued.value.map((j) => ({ ...j, state: 'done' as const })) }
    })
    await renderApp(fake)
    fireEvent.drop(window, withFiles(file('old.tar.xz')))
    expect(await screen.findByText('Already uploaded')).toBeTruthy()
  })

  it('takes every drop, so the window never navigates to a dropped file', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()] }))
    const over = new Event('dragover', { cancelable: true, bubbles: true })
    window.dispatchEvent(over)
    expect(over.defaultPrevented).toBe(true)
    const drop = new Event('drop', { cancelable: true, bubbles: true })
    window.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    await waitFor(() => expect(screen.getByText('Only files can be uploaded')).toBeTruthy())
  })
})
