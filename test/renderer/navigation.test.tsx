// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const tab = (name: RegExp) => screen.getByRole('tab', { name })
const selected = () =>
  screen.getAllByRole('tab').find((t) => t.getAttribute('aria-selected') === 'true')

describe('section navigation', () => {
  it('starts on Uploads with only the selected tab in the tab order', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()] }))
    expect(screen.getAllByRole('tab')).toHaveLength(4)
    expect(selected()).toBe(tab(/Uploads/))
    expect(tab(/Uploads/).tabIndex).toBe(0)
    expect(tab(/Connections/).tabIndex).toBe(-1)
    expect(tab(/Settings/).tabIndex).toBe(-1)
    expect(tab(/Backups/).tabIndex).toBe(-1)
    expect(screen.getByRole('tabpanel', { name: /Uploads/ })).toBeTruthy()
  })

  it('opens on the section shown last time and remembers the one chosen', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.state.windowMemory = { lastView: 'backups', dismissedBanners: [] }
    await renderApp(fake)
    await waitFor(() => expect(selected()).toBe(tab(/Backups/)))
    fireEvent.click(tab(/Settings/))
    await waitFor(() => expect(fake.state.windowMemory.lastView).toBe('settings'))
  })

  it('ignores a remembered section that no longer exists', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()] })
    fake.state.windowMemory = { lastView: 'statistics', dismissedBanners: [] }
    await renderApp(fake)
    expect(selected()).toBe(tab(/Uploads/))
  })

  it('moves between sections with the arrow keys, Home and End, wrapping around', async () => {
    await renderApp(new FakeCompanion({ connections: [makeConnection()] }))
    tab(/Uploads/).focus()

    fireEvent.keyDown(tab(/Uploads/), { key: 'ArrowDown' })
    expect(selected()).toBe(tab(/Connections/))
    expect(document.activeElement).toBe(tab(/Connections/))
    expect(screen.getByRole('heading', { name: 'Connections' })).toBeTruthy()
    expect(document.getElementById('panel-uploads')?.hidden).toBe(true)
    expect(document.getElementById('panel-connections')?.hidden).toBe(false)

    fireEvent.keyDown(tab(/Connections/), { key: 'End' })
    expect(selected()).toBe(tab(/Settings/))
    expect(document.activeElement).toBe(tab(/Settings/))

    fireEvent.keyDown(tab(/Settings/), { key: 'ArrowDown' })
    expect(selected()).toBe(tab(/Uploads/))

    fireEvent.keyDown(tab(/Uploads/), { key: 'ArrowUp' })
    expect(selected()).toBe(tab(/Settings/))

    fireEvent.keyDown(tab(/Settings/), { key: 'Home' })
    expect(selected()).toBe(tab(/Uploads/))
    expect(document.activeElement).toBe(tab(/Uploads/))
  })

  it('jumps to a section with Ctrl+1 to Ctrl+4', async () => {
    await renderApp(new FakeCompanion())
    fireEvent.keyDown(window, { key: '3', ctrlKey: true })
    expect(selected()).toBe(tab(/Backups/))
    fireEvent.keyDown(window, { key: '4', ctrlKey: true })
    expect(selected()).toBe(tab(/Settings/))
    expect(document.activeElement).toBe(tab(/Settings/))
    fireEvent.keyDown(window, { key: '2', ctrlKey: true })
    expect(selected()).toBe(tab(/Connections/))
    fireEvent.keyDown(window, { key: '1', metaKey: true })
    expect(selected()).toBe(tab(/Uploads/))
  })

  it('links each tab to its panel for assistive technology', async () => {
    await renderApp(new FakeCompanion())
    for (const t of screen.getAllByRole('tab')) {
      const panel = document.getElementById(t.getAttribute('aria-controls') ?? '')
      expect(panel?.getAttribute('role')).toBe('tabpanel')
      expect(panel?.getAttribute('aria-labelledby')).toBe(t.id)
    }
  })

  it('names the failed count and a needed sign-in in the tabs', async () => {
    const fake = new FakeCompanion({
      connections: [makeConnection({ status: 'needs_reauth' })],
    })
    fake.state.status.counts.failed = 4
    await renderApp(fake)
    expect(tab(/Uploads.*4 failed/)).toBeTruthy()
    expect(tab(/Connections.*sign-in needed/)).toBeTruthy()
  })
})
