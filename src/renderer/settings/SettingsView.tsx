import { useId, useState, type FormEvent, type KeyboardEvent } from 'react'
import type {
  ErrorInfo,
  NotificationLevel,
  SettingsView as Settings,
  StatusView,
} from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { isPausedAll } from '../status-summary.ts'
import { AlertAfterField } from './AlertAfterField.tsx'
import { FolderField } from './FolderField.tsx'
import { PauseSwitch } from './PauseSwitch.tsx'
import { PingUrlField } from './PingUrlField.tsx'
import { PrefRow, SwitchPref } from './PrefRow.tsx'
import { RetentionSection } from '../retention/RetentionSection.tsx'
import { ProviderSettingsSection } from './ProviderSettingsSection.tsx'
import { SaveBar } from './SaveBar.tsx'
import { ScanNowButton } from './ScanNowButton.tsx'
import { changesFrom, toDraft, validateDraft, type Draft } from './settings-draft.ts'
import { sourceErrors } from './source-draft.ts'
import { SourcesField } from './SourcesField.tsx'
import { UploadLimitFields } from './UploadLimitFields.tsx'
import type { Destination } from '../destinations.ts'

const NOTIFICATION_CHOICES: { value: NotificationLevel; label: string }[] = [
  { value: 'all', label: 'Every upload' },
  { value: 'errors', label: 'Only problems' },
  { value: 'none', label: 'None' },
]

export interface SettingsViewProps {
  settings: Settings | null
  status: StatusView | null
  loadError: ErrorInfo | null
  /** Where a Fermentrack's backups may go, for its "Upload to" choice. */
  destinations?: Destination[]
  onSaved: (settings: Settings) => void
}

export function SettingsView({
  settings,
  status,
  loadError,
  destinations = [],
  onSaved,
}: SettingsViewProps) {
  const api = useCompanion()
  const ids = useId()
  const id = (name: string) => `${ids}-${name}`
  // Only what the user edited: fields they did not touch follow changes made elsewhere (tray).
  const [edits, setEdits] = useState<Partial<Draft>>({})
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<ErrorInfo | null>(null)
  const [saved, setSaved] = useState(false)

  if (settings === null) {
    return (
      <div className="view">
        <div className="view-head">
          <h1>Settings</h1>
        </div>
        {loadError ? <ErrorNote error={loadError} /> : <div className="card skeleton tall" />}
      </div>
    )
  }

  const draft: Draft = { ...toDraft(settings), ...edits }
  const errors = validateDraft(draft)
  const changes = changesFrom(settings, draft)
  const dirty = Object.keys(changes).length > 0
  const valid = Object.keys(errors).length === 0

  const edit = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setEdits((e) => ({ ...e, [key]: value }))
    setSaved(false)
    setSaveError(null)
  }

  const save = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!dirty || !valid || saving) return
    setSaving(true)
    setSaveError(null)
    const result = await api['settings.update'](changes)
    setSaving(false)
    if (!result.ok) return setSaveError(result.error)
    onSaved(result.value)
    setEdits({})
    setSaved(true)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault()
      void save()
    }
  }

  const watch = status?.watch
  return (
    <div className="view view-settings">
      <form
        className="stack settings-form"
        onSubmit={(e) => void save(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        <div className="view-head">
          <h1>Settings</h1>
        </div>

        <section className="card prefs" aria-labelledby={id('backups')}>
          <h2 id={id('backups')} className="section-title">
            Fermentrack backups
          </h2>
          <PrefRow
            wide
            label="Fermentracks"
            hint="Each Fermentrack's backups folder; new files there are uploaded into its remote subfolder. A brewery with several Pis adds one each."
            hintId={id('watch-hint')}
          >
            <SourcesField
              sources={draft.sources}
              errors={sourceErrors(draft.sources)}
              destinations={destinations}
              savedIds={settings.sources.map((s) => s.id)}
              onChange={(sources) => edit('sources', sources)}
            />
            {watch?.state === 'unavailable' && watch.error && !edits.sources && (
              <ErrorNote error={watch.error} />
            )}
            {settings.sources.length > 0 && edits.sources === undefined && <ScanNowButton />}
          </PrefRow>
          <PrefRow
            label={<label htmlFor={id('patterns')}>Backup file names</label>}
            hint="Separate patterns with commas. Temporary and hidden files are always skipped."
            hintId={id('patterns-hint')}
            error={errors.patterns}
            errorId={id('patterns-error')}
          >
            <input
              id={id('patterns')}
              className="input mono"
              value={draft.patterns}
              onChange={(e) => edit('patterns', e.target.value)}
              aria-invalid={Boolean(errors.patterns)}
              aria-describedby={`${id('patterns-hint')}${errors.patterns ? ` ${id('patterns-error')}` : ''}`}
              spellCheck={false}
            />
          </PrefRow>
        </section>

        <section className="card prefs" aria-labelledby={id('uploads')}>
          <h2 id={id('uploads')} className="section-title">
            Uploads
          </h2>
          <PrefRow
            label="Automatic uploads"
            hint="Pausing stops the upload in progress too; it carries on where it stopped. Takes effect at once."
            hintId={id('pause-hint')}
          >
            <PauseSwitch paused={isPausedAll(status)} describedBy={id('pause-hint')} />
          </PrefRow>
          <PrefRow
            label={<label htmlFor={id('remote')}>Remote folder</label>}
            hint="Where backups go in each account, unless its provider sets its own Default Target."
            hintId={id('remote-hint')}
            error={errors.remoteFolder}
            errorId={id('remote-error')}
          >
            <input
              id={id('remote')}
              className="input"
              value={draft.remoteFolder}
              onChange={(e) => edit('remoteFolder', e.target.value)}
              aria-invalid={Boolean(errors.remoteFolder)}
              aria-describedby={`${id('remote-hint')}${errors.remoteFolder ? ` ${id('remote-error')}` : ''}`}
              spellCheck={false}
            />
          </PrefRow>
          <PrefRow
            label={<label htmlFor={id('concurrency')}>Uploads at once</label>}
            hint="More is faster on a quick connection; 1 or 2 is kind to a slow one."
            hintId={id('concurrency-hint')}
          >
            <select
              id={id('concurrency')}
              className="select"
              value={draft.concurrency}
              onChange={(e) => edit('concurrency', Number(e.target.value))}
              aria-describedby={id('concurrency-hint')}
            >
              {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </PrefRow>
          <PrefRow
            label="Also copy to a folder"
            hint="A folder on this computer or a mounted NAS share that gets a copy of every backup."
            hintId={id('local-hint')}
          >
            <FolderField
              name="folder to copy backups to"
              value={draft.localDestination}
              emptyText="No copy"
              describedBy={id('local-hint')}
              clearable
              onChange={(folder) => edit('localDestination', folder)}
            />
          </PrefRow>
          <UploadLimitFields
            limit={draft.uploadLimit}
            fullSpeed={draft.fullSpeed}
            limitError={errors.uploadLimit}
            fullSpeedError={errors.fullSpeed}
            onLimit={(limit) => edit('uploadLimit', limit)}
            onFullSpeed={(fullSpeed) => edit('fullSpeed', fullSpeed)}
          />
          <SwitchPref
            id={id('verify')}
            label="Weekly restore check"
            hint="Once a week, downloads the newest backup from each destination and checks it, as a restore would; a failure raises an alert."
            checked={draft.verifySchedule === 'weekly'}
            onChange={(on) => edit('verifySchedule', on ? 'weekly' : 'off')}
          />
        </section>

        <section className="card prefs" aria-labelledby={id('health')}>
          <h2 id={id('health')} className="section-title">
            Health
          </h2>
          <AlertAfterField
            id={id('alert-after')}
            value={draft.alertAfter}
            error={errors.alertAfter}
            onChange={(value) => edit('alertAfter', value)}
          />
          <PingUrlField id={id('ping-url')} />
        </section>

        <section className="card prefs" aria-labelledby={id('app')}>
          <h2 id={id('app')} className="section-title">
            This app
          </h2>
          <PrefRow
            label={<span id={id('notify-label')}>Notifications</span>}
            hint="Desktop notifications from the tray."
          >
            <div className="segmented" role="radiogroup" aria-labelledby={id('notify-label')}>
              {NOTIFICATION_CHOICES.map((choice) => (
                <label key={choice.value} className="segment">
                  <input
                    type="radio"
                    name={id('notifications')}
                    value={choice.value}
                    checked={draft.notifications === choice.value}
                    onChange={() => edit('notifications', choice.value)}
                  />
                  <span>{choice.label}</span>
                </label>
              ))}
            </div>
          </PrefRow>
          <SwitchPref
            id={id('login')}
            label="Start at login"
            hint="Opens in the tray when you log in, so no backup is missed."
            checked={draft.startAtLogin}
            onChange={(on) => edit('startAtLogin', on)}
          />
        </section>

        <SaveBar
          dirty={dirty}
          valid={valid}
          saving={saving}
          saved={saved}
          error={saveError}
          onDiscard={() => {
            setEdits({})
            setSaveError(null)
          }}
        />
      </form>
      {/* Outside the form above: retention and each provider card save on their own. */}
      <RetentionSection />
      <ProviderSettingsSection />
    </div>
  )
}
