import { useId, useState, type FormEvent } from 'react'
import type { ErrorInfo, ProviderSettingsView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { Icon } from '../components/Icon.tsx'
import { ProviderGlyph } from '../connections/ProviderGlyph.tsx'
import { useOpenExternal } from '../hooks/use-open-external.ts'
import { OAuthFields } from './OAuthFields.tsx'
import { PrefRow } from './PrefRow.tsx'
import { SaveMessage } from './SaveBar.tsx'
import { checkProviderDraft, toProviderDraft, type ProviderDraft } from './provider-draft.ts'
import { describedBy } from './field-ids.ts'

export interface ProviderSettingsCardProps {
  view: ProviderSettingsView
  onSaved: (view: ProviderSettingsView) => void
}

/** One provider's settings (Kasm's form): checked as typed, saved only when valid. */
export function ProviderSettingsCard({ view, onSaved }: ProviderSettingsCardProps) {
  const api = useCompanion()
  const openExternal = useOpenExternal()
  const base = useId()
  const id = (name: string) => `${base}-${name}`
  const [edits, setEdits] = useState<Partial<ProviderDraft>>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [saved, setSaved] = useState(false)

  if (!view.available) return <ComingSoonCard view={view} />

  const draft: ProviderDraft = { ...toProviderDraft(view), ...edits }
  const { changes, clientSecret, errors } = checkProviderDraft(view, draft)
  const valid = Object.keys(errors).length === 0
  const dirty = Object.keys(changes).length > 0 || clientSecret !== undefined

  const edit = <K extends keyof ProviderDraft>(key: K, value: ProviderDraft[K]) => {
    setEdits((e) => ({ ...e, [key]: value }))
    setSaved(false)
    setError(null)
  }

  const configure = async (request: { reset?: boolean }) => {
    setBusy(true)
    setError(null)
    const result = await api['providers.configure']({
      provider: view.provider_id,
      ...(request.reset
        ? { changes: {}, reset: true }
        : { changes, ...(clientSecret === undefined ? {} : { clientSecret }) }),
    })
    setBusy(false)
    if (!result.ok) return setError(result.error)
    setEdits({})
    setSaved(true)
    onSaved(result.value)
  }

  const save = (event: FormEvent) => {
    event.preventDefault()
    if (dirty && valid && !busy) void configure({})
  }

  return (
    <form
      className="card prefs provider-settings"
      aria-labelledby={id('name')}
      onSubmit={save}
      noValidate
    >
      <div className="provider-settings-head">
        <ProviderGlyph auth={view.auth} />
        <h3 id={id('name')}>{view.display_name}</h3>
        <StatusPill view={view} />
      </div>
      {!view.is_enabled && view.enabled && (
        <div className="setup-hint" role="note">
          <p>
            <Icon name="key" size={16} /> {view.reason}
          </p>
          <button
            type="button"
            className="button button-link"
            onClick={() => openExternal(view.docsUrl)}
          >
            How to set up {view.display_name}
            <Icon name="external" size={14} />
          </button>
        </div>
      )}
      <PrefRow
        label={<label htmlFor={id('enabled')}>Enabled</label>}
        hint="Switched off, it is not offered under Connections; its accounts keep uploading."
        hintId={id('enabled-hint')}
      >
        <input
          id={id('enabled')}
          type="checkbox"
          role="switch"
          className="switch"
          checked={draft.enabled}
          onChange={(e) => edit('enabled', e.target.checked)}
          aria-describedby={id('enabled-hint')}
        />
      </PrefRow>
      {view.oauth && (
        <OAuthFields oauth={view.oauth} draft={draft} errors={errors} id={id} edit={edit} />
      )}
      <PrefRow
        label={<label htmlFor={id('defaultTarget')}>Default Target</label>}
        hint="The remote folder backups go to."
        hintId={id('defaultTarget-hint')}
        error={errors.defaultTarget}
        errorId={id('defaultTarget-error')}
      >
        <input
          id={id('defaultTarget')}
          className="input"
          value={draft.defaultTarget}
          onChange={(e) => edit('defaultTarget', e.target.value)}
          aria-invalid={Boolean(errors.defaultTarget)}
          aria-describedby={describedBy(id, 'defaultTarget', errors)}
          spellCheck={false}
        />
      </PrefRow>
      <div className="provider-settings-actions">
        <SaveMessage error={error} dirty={dirty} saved={saved} />
        <button
          type="button"
          className="button button-link"
          disabled={busy}
          onClick={() => void configure({ reset: true })}
        >
          Reset to defaults
        </button>
        <button
          type="button"
          className="button"
          disabled={!dirty || busy}
          onClick={() => {
            setEdits({})
            setError(null)
          }}
          aria-label={`Discard ${view.display_name} changes`}
        >
          Discard
        </button>
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || !valid || busy}
          aria-label={`Save ${view.display_name} settings`}
        >
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

function StatusPill({ view }: { view: ProviderSettingsView }) {
  if (view.is_enabled)
    return (
      <span className="pill pill-ok">
        <Icon name="check" size={14} />
        Enabled
      </span>
    )
  if (!view.enabled) return <span className="pill pill-paused">Off</span>
  return (
    <span className="pill pill-warning">
      <Icon name="alert" size={14} />
      Not configured
    </span>
  )
}

/** Listed so users see what is coming; nothing to set yet. */
function ComingSoonCard({ view }: { view: ProviderSettingsView }) {
  const headingId = useId()
  return (
    <section
      className="card provider-settings provider-soon"
      aria-labelledby={headingId}
      aria-disabled="true"
    >
      <div className="provider-settings-head">
        <span className="provider-glyph glyph-soon" aria-hidden="true">
          <Icon name="cloud" size={22} />
        </span>
        <h3 id={headingId}>{view.display_name}</h3>
        <span className="pill pill-soon">Coming soon</span>
      </div>
    </section>
  )
}
