import { useId } from 'react'
import type { Destination } from '../destinations.ts'
import { FolderField } from './FolderField.tsx'
import { remoteSubfolderFromLabel } from '../../shared/source-names.ts'
import { newSourceDraft, type SourceDraft } from './source-draft.ts'

export interface SourcesFieldProps {
  sources: SourceDraft[]
  errors: (string | null)[]
  destinations: Destination[]
  /** Ids of the sources already saved: their remote subfolder never changes by itself. */
  savedIds: string[]
  onChange: (sources: SourceDraft[]) => void
}

/** The Fermentracks watched: one row each, and a button to add another. */
export function SourcesField(props: SourcesFieldProps) {
  const { sources, errors, destinations, onChange } = props
  const set = (index: number, change: Partial<SourceDraft>) =>
    onChange(sources.map((s, i) => (i === index ? follow(s, change, props.savedIds) : s)))
  return (
    <div className="sources-field">
      {sources.length === 0 && <p className="pref-hint">No Fermentrack is watched yet.</p>}
      <ul className="source-list">
        {sources.map((source, index) => (
          <SourceRow
            key={source.id}
            source={source}
            error={errors[index] ?? null}
            destinations={destinations}
            onChange={(change) => set(index, change)}
            onRemove={() => onChange(sources.filter((_, i) => i !== index))}
          />
        ))}
      </ul>
      <button
        type="button"
        className="button"
        onClick={() => onChange([...sources, newSourceDraft(sources)])}
      >
        {sources.length === 0 ? 'Add a Fermentrack' : 'Add another Fermentrack'}
      </button>
    </div>
  )
}

/**
 * A new source's subfolder follows its label while the user has not typed one of their own; a
 * saved source's never does (its backups are at that path already).
 */
function follow(source: SourceDraft, change: Partial<SourceDraft>, savedIds: string[]) {
  const next = { ...source, ...change }
  const suggested = (label: string) => remoteSubfolderFromLabel(label) ?? ''
  if (change.label !== undefined && !savedIds.includes(source.id))
    if (source.remoteSubfolder === suggested(source.label))
      next.remoteSubfolder = suggested(change.label)
  return next
}

function SourceRow(props: {
  source: SourceDraft
  error: string | null
  destinations: Destination[]
  onChange: (change: Partial<SourceDraft>) => void
  onRemove: () => void
}) {
  const { source, error, destinations, onChange } = props
  const ids = useId()
  const id = (name: string) => `${ids}-${name}`
  const name = source.label.trim() || 'this Fermentrack'
  const every = source.destinations === null
  const toggle = (destination: string, on: boolean) => {
    const current = source.destinations ?? destinations.map((d) => d.id)
    const next = on ? [...current, destination] : current.filter((d) => d !== destination)
    onChange({ destinations: next })
  }
  return (
    <li className="source-row" aria-label={name}>
      <div className="source-line">
        <label className="source-key" htmlFor={id('label')}>
          Name
        </label>
        <input
          id={id('label')}
          className="input"
          value={source.label}
          onChange={(e) => onChange({ label: e.target.value })}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? id('error') : undefined}
        />
        <button
          type="button"
          className="button button-link"
          onClick={props.onRemove}
          aria-label={`Remove ${name}`}
        >
          Remove
        </button>
      </div>
      <div className="source-line">
        <span className="source-key">Folder</span>
        <FolderField
          name={`backups folder of ${name}`}
          value={source.folder}
          emptyText="Not chosen yet"
          onChange={(folder) => onChange({ folder })}
        />
      </div>
      <div className="source-line">
        <label className="source-key" htmlFor={id('subfolder')}>
          Remote subfolder
        </label>
        <input
          id={id('subfolder')}
          className="input"
          value={source.remoteSubfolder}
          placeholder="None: straight into the remote folder"
          onChange={(e) => onChange({ remoteSubfolder: e.target.value })}
          spellCheck={false}
        />
      </div>
      <fieldset className="source-destinations">
        <legend className="source-key">Upload to</legend>
        <label>
          <input
            type="checkbox"
            checked={every}
            onChange={(e) => onChange({ destinations: e.target.checked ? null : [] })}
          />
          Every destination
        </label>
        {!every &&
          destinations.map((d) => (
            <label key={d.id}>
              <input
                type="checkbox"
                checked={source.destinations!.includes(d.id)}
                onChange={(e) => toggle(d.id, e.target.checked)}
              />
              {d.label}
            </label>
          ))}
      </fieldset>
      {error && (
        <p className="field-error" id={id('error')}>
          {error}
        </p>
      )}
    </li>
  )
}
