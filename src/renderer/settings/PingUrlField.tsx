import { useEffect, useState, type KeyboardEvent } from 'react'
import type { ErrorInfo } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { PrefRow } from './PrefRow.tsx'

/**
 * The healthchecks.io-style ping URL, write-only: it is a secret, so main never sends it back.
 * The window knows only whether one is set, offers Set (what was typed goes to main and the
 * field is emptied) and Clear. It saves on its own, not with the form around it.
 */
export function PingUrlField({ id }: { id: string }) {
  const api = useCompanion()
  const [set, setSet] = useState<boolean | null>(null)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)

  useEffect(() => {
    void api['health.pingUrl']().then((result) => {
      if (result.ok) setSet(result.value.set)
      else setError(result.error)
    })
  }, [api])

  const run = async (action: () => ReturnType<(typeof api)['health.pingUrl']>) => {
    setBusy(true)
    setError(null)
    const result = await action()
    setBusy(false)
    if (!result.ok) return setError(result.error)
    setSet(result.value.set)
    setTyped('')
  }
  const save = () => {
    if (typed.trim() && !busy) void run(() => api['health.setPingUrl']({ url: typed }))
  }
  // Enter sets the URL; it must not submit the settings form this field sits in.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return
    event.preventDefault()
    save()
  }

  const hintId = `${id}-hint`
  const state = set === null ? '' : set ? 'Set' : 'Not set'
  return (
    <PrefRow
      label={<label htmlFor={id}>Ping URL</label>}
      hint="A healthchecks.io-style URL, called after each verified upload (and at /fail after a failure), so your monitor notices when backups stop. Kept in the system keychain; it is never shown again."
      hintId={hintId}
    >
      <div className="inline-field">
        <span className="ping-url-state" aria-live="polite">
          {state}
        </span>
        <input
          id={id}
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={set ? 'Enter a new URL to replace it' : 'https://hc-ping.com/…'}
          value={typed}
          maxLength={2000}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby={hintId}
        />
        <button type="button" className="button" disabled={busy || !typed.trim()} onClick={save}>
          Set
        </button>
        {set && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void run(() => api['health.clearPingUrl']())}
          >
            Clear
          </button>
        )}
      </div>
      {error && <ErrorNote error={error} />}
    </PrefRow>
  )
}
