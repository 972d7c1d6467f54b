import { ErrorNote } from '../components/ErrorNote.tsx'
import { PreviewList } from './PreviewList.tsx'
import type { PreviewState } from './use-retention-preview.ts'

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/** What the draft would do at one destination, as it is now: the removals first, with why. */
export function RetentionPreviewPanel(props: {
  state: PreviewState
  /** The draft has a field to fix: nothing to preview until it is fixed. */
  waiting: boolean
  noDestination: boolean
  /** The destination previewed has its own policy, so the default does not apply there. */
  overridden: boolean
}) {
  const { state, waiting, noDestination, overridden } = props
  const { preview } = state
  let body
  if (noDestination) body = <p className="muted">Connect a destination to see a preview.</p>
  else if (waiting) body = <p className="muted">Fix the rule above to see a preview.</p>
  else if (state.error) body = <ErrorNote error={state.error} />
  else if (preview === null) body = <p className="muted">Checking the backups there…</p>
  else if (!preview.on) body = <p>Nothing would be removed: with no rule, every backup is kept.</p>
  else
    body = (
      <>
        <p className="preview-summary">
          {preview.remove.length === 0 ? (
            <strong>Nothing would be removed.</strong>
          ) : (
            <strong>
              {preview.remove.length === 1
                ? 'This backup would be removed'
                : `These ${preview.remove.length} backups would be removed`}
            </strong>
          )}{' '}
          <span className="muted">
            {count(preview.keep.length, 'backup is', 'backups are')} kept in {preview.folder}
            {preview.ignored > 0 &&
              `; ${count(preview.ignored, 'other file is', 'other files are')} never touched`}
            .
          </span>
        </p>
        {preview.remove.length > 0 && (
          <PreviewList label="Would be removed" items={preview.remove} tone="remove" />
        )}
        <details className="preview-kept">
          <summary>Kept ({preview.keep.length})</summary>
          <PreviewList label="Kept" items={preview.keep} tone="keep" />
        </details>
      </>
    )
  return (
    <div
      className="retention-preview"
      role="region"
      aria-label="Preview"
      aria-live="polite"
      aria-busy={state.loading}
    >
      {overridden && (
        <p className="muted small">This destination has its own policy; shown with the default.</p>
      )}
      {body}
    </div>
  )
}
