// @vitest-environment happy-dom
import { act, cleanup, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeCompanion } from './fake-companion.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

const PROBLEM =
  'Settings file /home/pi/.config/fermentrack-backup/settings.json has an invalid value: "concurrency" (Too small: expected number to be >=1); the settings from before stay in effect until it is corrected.'
const TITLE = 'Your edit of the settings file is not applied'

const banner = () =>
  screen.queryAllByRole('alert').find((alert) => within(alert).queryByText(TITLE) !== null)

describe('a broken hand edit of settings.json in the window', () => {
  it("shows main's one line (file, what is wrong, the old settings stay) as an alert at start", async () => {
    await renderApp(new FakeCompanion({ settingsFileProblem: PROBLEM }))
    await screen.findByText(TITLE)
    expect(within(banner()!).getByText(PROBLEM)).toBeTruthy()
  })

  it('appears when main reports the edit and goes once the file is fixed', async () => {
    const fake = new FakeCompanion()
    await renderApp(fake)
    expect(fake.callsTo('settingsFile.get')).toHaveLength(1)
    expect(banner()).toBeUndefined()

    act(() => fake.emit('settingsFile.changed', { problem: PROBLEM }))
    expect(within(banner()!).getByText(PROBLEM)).toBeTruthy()
    // Not one the user can close: it stays as long as the edit is not applied.
    expect(within(banner()!).queryByRole('button', { name: 'Hide this message' })).toBeNull()

    act(() => fake.emit('settingsFile.changed', { problem: null }))
    expect(banner()).toBeUndefined()
    expect(screen.queryByText(PROBLEM)).toBeNull()
  })
})
