// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { openSettings } from './render-app.tsx'

afterEach(cleanup)

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const unit = () => screen.getByLabelText('Warn after, unit') as HTMLSelectElement
const saveButton = () => screen.getByRole('button', { name: 'Save changes' }) as HTMLButtonElement
const SECRET = 'https://hc-ping.com/0a1b2c3d-renderer-secret'

describe('Warn after (alertAfter) in Settings', () => {
  it('shows the saved 2 days, and saves 36 hours as "36h"', async () => {
    const fake = await openSettings()
    expect(field('Warn after').value).toBe('2')
    expect(unit().value).toBe('d')

    fireEvent.change(field('Warn after'), { target: { value: '36' } })
    fireEvent.change(unit(), { target: { value: 'h' } })
    fireEvent.click(saveButton())
    await screen.findByText('Saved')

    expect(fake.callsTo('settings.update')).toEqual([{ alertAfter: '36h' }])
  })

  it('keeps a hand-written "90m" in minutes, and refuses 0 without saving', async () => {
    const fake = await openSettings(
      new FakeCompanion({
        connections: [makeConnection()],
        settings: makeSettings({ alertAfter: '90m' }),
      }),
    )
    expect(field('Warn after').value).toBe('90')
    expect(unit().value).toBe('m')

    fireEvent.change(field('Warn after'), { target: { value: '0' } })

    expect(field('Warn after').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByText(/whole number of days or hours, at least 1/)).toBeTruthy()
    expect(saveButton().disabled).toBe(true)
    expect(fake.callsTo('settings.update')).toEqual([])
  })
})

describe('the Ping URL in Settings', () => {
  it('is write-only: Set sends the URL to main, empties the field, and shows only "Set"', async () => {
    const fake = await openSettings()
    await screen.findByText('Not set')
    expect(field('Ping URL').type).toBe('password')

    fireEvent.change(field('Ping URL'), { target: { value: SECRET } })
    fireEvent.click(screen.getByRole('button', { name: 'Set' }))

    await screen.findByText('Set', { selector: '.ping-url-state' })
    expect(fake.callsTo('health.setPingUrl')).toEqual([{ url: SECRET }])
    expect(field('Ping URL').value).toBe('')
    expect(document.body.innerHTML).not.toContain('0a1b2c3d')
    // Saved on its own: the settings form has nothing to save.
    expect(saveButton().disabled).toBe(true)
    expect(fake.callsTo('settings.update')).toEqual([])
  })

  it('Enter in the field sets it and does not submit the settings form', async () => {
    const fake = await openSettings()
    await screen.findByText('Not set')
    fireEvent.change(field('Ping URL'), { target: { value: SECRET } })
    fireEvent.keyDown(field('Ping URL'), { key: 'Enter' })
    await waitFor(() => expect(fake.callsTo('health.setPingUrl')).toHaveLength(1))
    expect(fake.callsTo('settings.update')).toEqual([])
  })

  it('Clear forgets a set URL', async () => {
    const fake = new FakeCompanion({ connections: [makeConnection()], pingUrlSet: true })
    await openSettings(fake)
    await screen.findByText('Set', { selector: '.ping-url-state' })

    fireEvent.click(screen.getByRole('button', { name: 'Clear' }))

    await screen.findByText('Not set')
    expect(fake.callsTo('health.clearPingUrl')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: 'Clear' })).toBeNull()
  })

  it('shows main’s refusal of a URL that is not http(s), and stays not set', async () => {
    await openSettings()
    await screen.findByText('Not set')
    fireEvent.change(field('Ping URL'), { target: { value: 'ftp://example.org/x' } })
    fireEvent.click(screen.getByRole('button', { name: 'Set' }))
    await screen.findByText(/must be an http:\/\/ or https:\/\/ address/)
    expect(screen.getByText('Not set')).toBeTruthy()
  })
})
