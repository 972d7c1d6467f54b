import { render, screen } from '@testing-library/react'
import { App } from '../../src/renderer/App.tsx'
import type { FakeCompanion } from './fake-companion.ts'

/** Renders the window on a fake and waits until its first answers are on screen. */
export async function renderApp(fake: FakeCompanion) {
  const view = render(<App api={fake.api} />)
  await screen.findByRole('tab', { name: /Uploads/ })
  await screen.findByRole('button', { name: /(Pause|Resume) uploads$/ })
  return view
}
