// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

async function openSettings(settings = makeSettings()) {
  const fake = new FakeCompanion({ connections: [makeConnection()], settings })
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Settings/ }))
  await screen.findByRole('heading', { name: 'Settings' })
  return fake
}

const unit = () => screen.getByLabelText('Upload speed limit') as HTMLSelectElement
const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const saveButton = () => screen.getByRole('button', { name: 'Save changes' }) as HTMLButtonElement

async function save() {
  fireEvent.click(saveButton())
  await screen.findByText('Saved')
}

describe('the upload speed limit in Settings', () => {
  it('shows Unlimited by default, and no full-speed hours', async () => {
    await openSettings()
    expect(unit().value).toBe('unlimited')
    expect(screen.queryByLabelText(/Upload speed limit in/)).toBeNull()
    expect(
      (screen.getByRole('switch', { name: 'Full speed at night' }) as HTMLInputElement).checked,
    ).toBe(false)
  })

  it('saves a limit typed in MB/s or KB/s as bytes per second', async () => {
    const fake = await openSettings()
    fireEvent.change(unit(), { target: { value: 'MB' } })
    expect(field('Upload speed limit in MB/s').value).toBe('1')
    fireEvent.change(field('Upload speed limit in MB/s'), { target: { value: '2.5' } })
    await save()
    fireEvent.change(unit(), { target: { value: 'KB' } })
    fireEvent.change(field('Upload speed limit in KB/s'), { target: { value: '300' } })
    await save()
    fireEvent.change(unit(), { target: { value: 'unlimited' } })
    await save()
    expect(fake.callsTo('settings.update')).toEqual([
      { bandwidthLimit: 2.5 * 1024 * 1024 },
      { bandwidthLimit: 300 * 1024 },
      { bandwidthLimit: 0 },
    ])
  })

  it('shows a saved limit in its unit', async () => {
    await openSettings(makeSettings({ bandwidthLimit: 5 * 1024 * 1024 }))
    expect(unit().value).toBe('MB')
    expect(field('Upload speed limit in MB/s').value).toBe('5')
  })

  it('will not save an empty or zero speed, and says what to do', async () => {
    const fake = await openSettings()
    fireEvent.change(unit(), { target: { value: 'KB' } })
    fireEvent.change(field('Upload speed limit in KB/s'), { target: { value: '0' } })
    expect(screen.getByText('Enter a speed above 0 KB/s, or choose Unlimited.')).toBeTruthy()
    expect(field('Upload speed limit in KB/s').getAttribute('aria-invalid')).toBe('true')
    expect(saveButton().disabled).toBe(true)
    fireEvent.change(field('Upload speed limit in KB/s'), { target: { value: '' } })
    fireEvent.submit(unit().closest('form') as HTMLFormElement)
    expect(fake.callsTo('settings.update')).toEqual([])
  })

  it('saves full-speed hours, refuses a window that ends when it starts, and turns them off', async () => {
    const fake = await openSettings(makeSettings({ bandwidthLimit: 1024 * 1024 }))
    fireEvent.click(screen.getByRole('switch', { name: 'Full speed at night' }))
    expect(field('Full speed from').value).toBe('00:00')
    expect(field('Full speed until').value).toBe('06:00')
    fireEvent.change(field('Full speed from'), { target: { value: '22:30' } })
    await save()
    fireEvent.change(field('Full speed until'), { target: { value: '22:30' } })
    expect(screen.getByText('The end must differ from the start time.')).toBeTruthy()
    expect(saveButton().disabled).toBe(true)
    fireEvent.change(field('Full speed until'), { target: { value: '06:00' } })
    fireEvent.click(screen.getByRole('switch', { name: 'Full speed at night' }))
    await save()
    expect(fake.callsTo('settings.update')).toEqual([
      { bandwidthSchedule: { fullSpeedFrom: '22:30', fullSpeedTo: '06:00' } },
      { bandwidthSchedule: null },
    ])
  })

  it('follows a limit chosen in the tray while the field is untouched', async () => {
    const fake = await openSettings()
    act(() => fake.emit('settings.changed', makeSettings({ bandwidthLimit: 256 * 1024 })))
    expect(unit().value).toBe('KB')
    expect(field('Upload speed limit in KB/s').value).toBe('256')
    expect(saveButton().disabled).toBe(true)
  })
})
