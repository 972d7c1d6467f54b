import { useEffect, useId, useState, type FormEvent } from 'react'
import './retention.css'
import type { RetentionView } from '../../shared/ipc-contract.ts'
import type { ErrorInfo } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { listDestinations } from '../destinations.ts'
import { useCompanionEvent } from '../hooks/use-companion-event.ts'
import { useConnections } from '../hooks/use-connections.ts'
import { useSettings } from '../hooks/use-settings.ts'
import { SaveMessage } from '../settings/SaveBar.tsx'
import { PruneNow } from './PruneNow.tsx'
import { RetentionPreviewPanel } from './RetentionPreviewPanel.tsx'
import {
  RULES,
  isOff,
  parseDraft,
  samePolicy,
  toDraft,
  type RetentionDraft,
} from './retention-draft.ts'
import { useRetentionPreview } from './use-retention-preview.ts'

export const RETENTION_HEADING_ID = 'retention'
/** The scope select's value for the default policy (connection ids never look like this). */
const DEFAULT_SCOPE = ''

/**
 * Settings › Retention: the default policy and each destination's own, edited with a live
 * preview of what the draft would remove. Saving writes the policy; nothing is deleted here.
 */
export function RetentionSection() {
  const api = useCompanion()
  const ids = useId()
  const { connections, providers } = useConnections()
  const { settings } = useSettings()
  const destinations = listDestinations(connections, providers, settings)
  const [saved, setSaved] = useState<RetentionView | null>(null)
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null)
  const [scope, setScope] = useState(DEFAULT_SCOPE)
  const [previewAt, setPreviewAt] = useState<string | null>(null)
  const [draft, setDraft] = useState<RetentionDraft | null>(null)
  const [useDefault, setUseDefault] = useState(false)
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<ErrorInfo | null>(null)
  const [justSaved, setJustSaved] = useState(false)
  const [previewVersion, setPreviewVersion] = useState(0)

  useEffect(() => {
    let live = true
    void api['retention.get']().then((result) => {
      if (!live) return
      if (result.ok) setSaved((current) => current ?? result.value)
      else setLoadError(result.error)
    })
    return () => {
      live = false
    }
  }, [api])
  useCompanionEvent('retention.changed', setSaved)

  const own = saved && scope !== DEFAULT_SCOPE ? saved.overrides[scope] : undefined
  const savedPolicy = saved ? (own ?? saved.retention) : {}
  const fields = draft ?? toDraft(savedPolicy)
  const followsDefault = scope !== DEFAULT_SCOPE && (draft ? useDefault : own === undefined)
  const { policy, errors } = followsDefault
    ? { policy: saved?.retention ?? {}, errors: {} }
    : parseDraft(fields)
  const target = scope !== DEFAULT_SCOPE ? scope : (previewAt ?? destinations[0]?.id ?? null)
  const preview = useRetentionPreview(saved ? target : null, policy, previewVersion)
  const dirty =
    draft !== null &&
    policy !== null &&
    (scope === DEFAULT_SCOPE
      ? !samePolicy(policy, savedPolicy)
      : followsDefault !== (own === undefined) ||
        (!followsDefault && !samePolicy(policy, own ?? {})))

  const overridden =
    scope === DEFAULT_SCOPE && target !== null && saved !== null && target in saved.overrides
  // Only the saved policy is pruned, so only its preview (no edits, not shadowed) offers it.
  const shown = preview.preview
  const prunable =
    draft === null && !overridden && !preview.loading && shown?.connectionId === target
      ? shown.on && shown.remove.length > 0
        ? shown
        : null
      : null

  const resetDraft = () => {
    setDraft(null)
    setSaveError(null)
  }
  const edit = (key: keyof RetentionDraft, value: string) => {
    setDraft({ ...fields, [key]: value })
    setUseDefault(false)
    setJustSaved(false)
  }

  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (!dirty || policy === null || saving) return
    setSaving(true)
    setSaveError(null)
    const result = await api['retention.save']({
      ...(scope === DEFAULT_SCOPE ? {} : { connectionId: scope }),
      policy: followsDefault ? null : policy,
    })
    setSaving(false)
    if (!result.ok) return setSaveError(result.error)
    setSaved(result.value)
    setDraft(null)
    setJustSaved(true)
  }

  const id = (name: string) => `${ids}-${name}`
  return (
    <section className="stack retention" aria-labelledby={RETENTION_HEADING_ID}>
      <div>
        <h2 id={RETENTION_HEADING_ID} className="section-title">
          Retention
        </h2>
        <p className="muted small">
          How many backups each destination keeps. Nothing is deleted while you edit: the preview
          only lists. A saved policy is applied after each verified upload, or at once with Prune
          now. Each Fermentrack&apos;s folder is counted on its own. The newest verified backup is
          always kept, and so is anything that is not a backup.
        </p>
      </div>
      {loadError && <ErrorNote error={loadError} />}
      {saved && (
        <form
          className="card prefs retention-form"
          aria-label="Retention policy"
          onSubmit={(e) => void save(e)}
          noValidate
        >
          <div className="retention-scope">
            <label htmlFor={id('scope')}>Policy for</label>
            <select
              id={id('scope')}
              className="select"
              value={scope}
              onChange={(e) => {
                setScope(e.target.value)
                resetDraft()
                setJustSaved(false)
              }}
            >
              <option value={DEFAULT_SCOPE}>Every destination (the default)</option>
              {destinations.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                  {saved.overrides[d.id] ? ' (its own policy)' : ''}
                </option>
              ))}
            </select>
          </div>
          {scope !== DEFAULT_SCOPE && (
            <label className="retention-default">
              <input
                type="checkbox"
                checked={followsDefault}
                onChange={(e) => {
                  setDraft(fields)
                  setUseDefault(e.target.checked)
                  setJustSaved(false)
                }}
              />
              Use the default policy here
            </label>
          )}
          <fieldset className="retention-rules" disabled={followsDefault}>
            <legend className="visually-hidden">Rules: a backup any rule keeps stays</legend>
            {RULES.map((rule) => (
              <div key={rule.key} className="retention-rule">
                <label htmlFor={id(rule.key)}>{rule.label}</label>
                <input
                  id={id(rule.key)}
                  className="input retention-count"
                  inputMode="numeric"
                  placeholder="off"
                  value={followsDefault ? toDraft(saved.retention)[rule.key] : fields[rule.key]}
                  onChange={(e) => edit(rule.key, e.target.value)}
                  aria-invalid={Boolean(errors[rule.key])}
                  aria-describedby={errors[rule.key] ? id(`${rule.key}-error`) : undefined}
                />
                <span className="muted">{rule.unit}</span>
                {errors[rule.key] && (
                  <p className="field-error" id={id(`${rule.key}-error`)}>
                    {errors[rule.key]}
                  </p>
                )}
              </div>
            ))}
          </fieldset>
          {policy && isOff(policy) && (
            <p className="muted small">Retention is off: every backup is kept.</p>
          )}
          {scope === DEFAULT_SCOPE && destinations.length > 1 && (
            <div className="retention-scope">
              <label htmlFor={id('preview-at')}>Preview at</label>
              <select
                id={id('preview-at')}
                className="select"
                value={target ?? ''}
                onChange={(e) => setPreviewAt(e.target.value)}
              >
                {destinations.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <RetentionPreviewPanel
            state={preview}
            waiting={policy === null}
            noDestination={target === null}
            overridden={overridden}
          />
          {prunable && (
            <div className="card-actions">
              <PruneNow
                preview={prunable}
                destination={destinations.find((d) => d.id === target)?.label ?? 'this destination'}
                onDone={() => setPreviewVersion((v) => v + 1)}
              />
              <span className="muted small">Applies the saved policy there now.</span>
            </div>
          )}
          <div className="save-bar">
            <SaveMessage error={saveError} dirty={dirty} saved={justSaved} />
            <button
              type="button"
              className="button"
              disabled={draft === null || saving}
              onClick={resetDraft}
            >
              Discard changes
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={!dirty || policy === null || saving}
            >
              {saving ? 'Saving…' : 'Save policy'}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
