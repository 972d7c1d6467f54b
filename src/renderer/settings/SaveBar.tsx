import type { ErrorInfo } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'

export interface SaveBarProps {
  dirty: boolean
  valid: boolean
  saving: boolean
  saved: boolean
  /** What settings.update answered, shown as it came. */
  error: ErrorInfo | null
  onDiscard: () => void
}

/** Stays at the bottom of Settings: what is unsaved, Discard and Save (the form's submit). */
export function SaveBar({ dirty, valid, saving, saved, error, onDiscard }: SaveBarProps) {
  return (
    <div className="save-bar">
      <div className="save-message" aria-live="polite">
        {error ? (
          <ErrorNote error={error} />
        ) : dirty ? (
          <span className="muted">You have unsaved changes.</span>
        ) : saved ? (
          <span className="saved">
            <Icon name="check" size={16} /> Saved
          </span>
        ) : null}
      </div>
      <button type="button" className="button" disabled={!dirty || saving} onClick={onDiscard}>
        Discard
      </button>
      <button type="submit" className="button button-primary" disabled={!dirty || !valid || saving}>
        {saving ? 'Saving…' : 'Save changes'}
      </button>
    </div>
  )
}
