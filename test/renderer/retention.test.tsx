// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { RetentionPreview } from '../../src/shared/ipc-contract.ts'
import { FakeCompanion } from './fake-companion.ts'
import { makeConnection, makeSettings } from './fixtures.ts'
import { renderApp } from './render-app.tsx'

afterEach(cleanup)

/** The preview is asked for after a pause in typing; a busy machine may take a while past it. */
const AFTER_DEBOUNCE = { timeout: 10_000 }

const NAMES = [1, 2, 3, 4, 5].map((d) => `fermentrack_backup-2026-11-0${d}T10.00.00.tar.xz`)
const at = (name: string) => Date.parse(name.slice(19, 29) + 'T10:00:00Z')

/** What main answers for keepLast=N over five backups: the N newest stay, the rest go. */
function keepLastPreview(connectionId: string, n: number): RetentionPreview {
  const newestFirst = [...NAMES].reverse()
  const row = (name: string, why: string) => ({
    name,
    path: `/Fermentrack Backups/${name}`,
    source: null,
    time: at(name),
    verified: true,
    why,
  })
  return {
    connectionId,
    folder: '/Fermentrack Backups',
    on: true,
    keep: newestFirst.slice(0, n).map((name) => row(name, 'keepLast')),
    remove: newestFirst.slice(n).map((name) => row(name, `keepLast=${n}`)),
    ignored: 1,
  }
}

async function openRetention(fake: FakeCompanion) {
  fake.respond('retention.preview', ({ connectionId, policy }) =>
    policy.keepLast
      ? { ok: true, value: keepLastPreview(connectionId, policy.keepLast) }
      : fake.defaultAnswer('retention.preview', { connectionId, policy }),
  )
  await renderApp(fake)
  fireEvent.click(screen.getByRole('tab', { name: /Settings/ }))
  const form = await screen.findByRole('form', { name: 'Retention policy' })
  return within(form)
}

const withOneAccount = () =>
  new FakeCompanion({
    connections: [makeConnection()],
    settings: makeSettings({ localDestination: '/mnt/nas' }),
  })

describe('the retention editor', () => {
  it('previews what a draft would remove, with the rule for each, and deletes nothing', async () => {
    const fake = withOneAccount()
    const form = await openRetention(fake)
    expect(screen.getByText(/Nothing is deleted while you edit/)).toBeTruthy()

    fireEvent.change(form.getByLabelText('Keep the newest'), { target: { value: '2' } })

    await form.findByText('These 3 backups would be removed', {}, AFTER_DEBOUNCE)
    const removed = form.getByRole('list', { name: 'Would be removed' })
    const rows = within(removed).getAllByRole('listitem')
    expect(rows.map((r) => r.textContent)).toEqual(
      NAMES.slice(0, 3)
        .reverse()
        .map((name) => expect.stringMatching(new RegExp(`^${name}.*keepLast=2$`))),
    )
    expect(
      form.getByText(/2 backups are kept in \/Fermentrack Backups; 1 other file is never touched/),
    ).toBeTruthy()
    // The draft, for the first destination; the saved policy is untouched until Save.
    expect(fake.callsTo('retention.preview').at(-1)).toEqual({
      connectionId: 'dbx-1',
      policy: { keepLast: 2 },
    })
    expect(fake.callsTo('retention.save')).toEqual([])
  })

  it('checks each rule as it is typed, with the settings schema, and previews nothing invalid', async () => {
    const fake = withOneAccount()
    const form = await openRetention(fake)
    const field = form.getByLabelText('Keep one a week for')
    for (const bad of ['0', '2.5', 'ten', '100001']) {
      fireEvent.change(field, { target: { value: bad } })
      expect(field.getAttribute('aria-invalid')).toBe('true')
      expect(form.getByText(/or empty for off\.$/)).toBeTruthy()
      expect(form.getByText('Fix the rule above to see a preview.')).toBeTruthy()
      expect(
        (form.getByRole('button', { name: 'Save policy' }) as HTMLButtonElement).disabled,
      ).toBe(true)
    }
    fireEvent.change(field, { target: { value: '8' } })
    expect(field.getAttribute('aria-invalid')).toBe('false')
    await waitFor(
      () => expect(fake.callsTo('retention.preview').at(-1)?.policy).toEqual({ keepWeekly: 8 }),
      AFTER_DEBOUNCE,
    )
    expect(fake.callsTo('retention.preview').some((c) => c.policy.keepWeekly === 0)).toBe(false)
  })

  it('saves the default policy, and says it is saved', async () => {
    const fake = withOneAccount()
    const form = await openRetention(fake)
    fireEvent.change(form.getByLabelText('Keep the newest'), { target: { value: '3' } })
    fireEvent.change(form.getByLabelText('Keep one a month for'), { target: { value: '12' } })
    fireEvent.click(form.getByRole('button', { name: 'Save policy' }))
    await form.findByText('Saved')
    expect(fake.callsTo('retention.save')).toEqual([{ policy: { keepLast: 3, keepMonthly: 12 } }])
    expect(fake.state.retention.retention).toEqual({ keepLast: 3, keepMonthly: 12 })
  })

  it('gives one destination its own policy, and can hand it back to the default', async () => {
    const fake = withOneAccount()
    fake.state.retention = { retention: { keepDaily: 7 }, overrides: {} }
    const form = await openRetention(fake)
    fireEvent.change(form.getByLabelText('Policy for'), { target: { value: 'local' } })
    const useDefault = form.getByRole('checkbox', { name: 'Use the default policy here' })
    expect((useDefault as HTMLInputElement).checked).toBe(true)
    // Following the default: its rules are shown, and cannot be edited here.
    expect((form.getByLabelText('Keep one a day for') as HTMLInputElement).value).toBe('7')

    fireEvent.click(useDefault)
    fireEvent.change(form.getByLabelText('Keep one a day for'), { target: { value: '' } })
    fireEvent.change(form.getByLabelText('Keep the newest'), { target: { value: '2' } })
    await form.findByText('These 3 backups would be removed', {}, AFTER_DEBOUNCE)
    expect(fake.callsTo('retention.preview').at(-1)).toEqual({
      connectionId: 'local',
      policy: { keepLast: 2 },
    })
    fireEvent.click(form.getByRole('button', { name: 'Save policy' }))
    await form.findByText('Saved')
    expect(fake.state.retention.overrides).toEqual({ local: { keepLast: 2 } })

    fireEvent.click(form.getByRole('checkbox', { name: 'Use the default policy here' }))
    fireEvent.click(form.getByRole('button', { name: 'Save policy' }))
    await waitFor(() => expect(fake.state.retention.overrides).toEqual({}))
    expect(fake.callsTo('retention.save').at(-1)).toEqual({ connectionId: 'local', policy: null })
  })

  it('shows why a preview could not be made', async () => {
    const fake = withOneAccount()
    fake.fail('retention.preview', 'needs_reauth', 'Sign in to the account again.')
    await renderApp(fake)
    fireEvent.click(screen.getByRole('tab', { name: /Settings/ }))
    const form = within(await screen.findByRole('form', { name: 'Retention policy' }))
    fireEvent.change(form.getByLabelText('Keep the newest'), { target: { value: '3' } })
    await form.findByText(/Sign in to the account again\./, {}, AFTER_DEBOUNCE)
  })

  it('prunes now with the saved policy after confirming the same list, never with a draft', async () => {
    const fake = withOneAccount()
    fake.state.retention = { retention: { keepLast: 2 }, overrides: {} }
    const form = await openRetention(fake)
    await form.findByText('These 3 backups would be removed', {}, AFTER_DEBOUNCE)
    fireEvent.click(form.getByRole('button', { name: 'Prune now…' }))

    const dialog = within(await screen.findByRole('alertdialog'))
    expect(dialog.getByText('Remove 3 backups from Dropbox · Bob Brewer?')).toBeTruthy()
    const listed = dialog.getAllByRole('listitem').map((li) => li.textContent?.slice(0, 45))
    expect(listed).toEqual(NAMES.slice(0, 3).reverse())
    fireEvent.click(dialog.getByRole('button', { name: 'Remove 3 backups' }))

    await screen.findByText('Removed 3 backups')
    expect(fake.callsTo('retention.pruneNow')).toEqual([
      {
        connectionId: 'dbx-1',
        paths: NAMES.slice(0, 3)
          .reverse()
          .map((name) => `/Fermentrack Backups/${name}`),
      },
    ])

    // An unsaved draft is only a preview: there is nothing to prune by until it is saved.
    fireEvent.change(form.getByLabelText('Keep the newest'), { target: { value: '1' } })
    await form.findByText('These 4 backups would be removed', {}, AFTER_DEBOUNCE)
    expect(form.queryByRole('button', { name: 'Prune now…' })).toBeNull()
  })
})
