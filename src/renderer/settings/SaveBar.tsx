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
      <SaveMessage error={error} dirty={dirty} saved={saved} />
      <button type="button" className="button" disabled={!dirty || saving} onClick={onDiscard}>
        Discard
      </button>
      <button type="submit" className="button button-primary" disabled={!dirty || !valid || saving}>
        {saving ? 'Saving…' : 'Save changes'}
      </button>
    </div>
  )
}

/** What a form has to say about saving: the refusal, unsaved changes, or that it was saved. */
export function SaveMessage(props: { error: ErrorInfo | null; dirty: boolean; saved: boolean }) {
  return (
    <div className="save-message" aria-live="polite">
      {props.error ? (
        <ErrorNote error={props.error} />
      ) : props.dirty ? (
        <span className="muted">You have unsaved changes.</span>
      ) : props.saved ? (
        <span className="saved">
          <Icon name="check" size={16} /> Saved
        </span>
      ) : null}
    </div>
  )
}
