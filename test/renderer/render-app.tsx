import { fireEvent, render, screen } from '@testing-library/react'
import { App } from '../../src/renderer/App.tsx'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection } from './fixtures.ts'

/** Renders the window on a fake and waits until its first answers are on screen. */
export async function renderApp(fake: FakeCompanion) {
  const view = render(<App api={fake.api} />)
  await screen.findByRole('tab', { name: /Uploads/ })
  await screen.findByRole('button', { name: /(Pause|Resume) uploads$/ })
  return view
}

/** Renders the window (one Dropbox connection by default) and opens its Settings. */
export async function openSettings(fake = new FakeCompanion({ connections: [makeConnection()] })) {
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Settings/ }))
  await screen.findByRole('heading', { name: 'Settings' })
  return fake
}
