import { useId, useState, type FormEvent } from 'react'
import type { ConnectFieldView, ErrorInfo, FieldValues, ProviderView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'

export interface ConnectFieldsFormProps {
  provider: ProviderView
  /** Values to start from (a reconnect: the connection's server and user name, never a secret). */
  initial?: FieldValues
  submitLabel: string
  /** "Test connection" checks the fields without saving; login flows have nothing to test yet. */
  testable: boolean
  busy?: boolean
  /** Connects with the values; true when done, so the form forgets what was typed. */
  onSubmit: (values: FieldValues) => Promise<boolean>
  /** The values changed or are being tested: an earlier Connect's refusal no longer applies. */
  onEdit?: () => void
}

type TestResult = { ok: true; account: string } | { ok: false; error: ErrorInfo } | null

/** A provider's connect fields (its port's connectFields), with "Test connection" and Connect. */
export function ConnectFieldsForm(props: ConnectFieldsFormProps) {
  const { provider, testable } = props
  const api = useCompanion()
  const ids = useId()
  const [values, setValues] = useState<FieldValues>(() => startValues(provider, props.initial))
  const [testing, setTesting] = useState(false)
  const [tested, setTested] = useState<TestResult>(null)
  const [submitting, setSubmitting] = useState(false)
  const complete = provider.connectFields.every(
    (f) => !f.required || f.kind === 'flag' || String(values[f.name] ?? '').trim() !== '',
  )
  const busy = testing || submitting || props.busy === true

  const change = (name: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [name]: value }))
    setTested(null)
    props.onEdit?.()
  }

  const test = async () => {
    setTesting(true)
    setTested(null)
    props.onEdit?.()
    const result = await api['connections.test']({ provider: provider.provider_id, fields: values })
    setTesting(false)
    setTested(
      result.ok
        ? { ok: true, account: result.value.account.name || result.value.account.email }
        : { ok: false, error: result.error },
    )
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!complete || busy) return
    setSubmitting(true)
    setTested(null)
    const done = await props.onSubmit(values)
    setSubmitting(false)
    // Typed secrets are not kept once they have been handed over.
    if (done) setValues(startValues(provider, props.initial))
  }

  return (
    <form className="connect-form" onSubmit={(e) => void submit(e)} noValidate>
      {provider.connectFields.map((field) => (
        <FieldInput
          key={field.name}
          id={`${ids}-${field.name}`}
          field={field}
          value={values[field.name]}
          onChange={(value) => change(field.name, value)}
        />
      ))}
      {tested?.ok && (
        <p className="test-ok" role="status">
          <Icon name="check" size={16} /> The connection works: signed in as {tested.account}.
        </p>
      )}
      {tested && !tested.ok && <ErrorNote error={tested.error} />}
      <div className="card-actions">
        {testable && (
          <button
            type="button"
            className="button"
            disabled={!complete || busy}
            onClick={() => void test()}
          >
            {testing ? 'Testing…' : 'Test connection'}
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={!complete || busy}>
          {submitting ? 'Connecting…' : props.submitLabel}
        </button>
      </div>
    </form>
  )
}

function FieldInput(props: {
  id: string
  field: ConnectFieldView
  value: string | boolean | undefined
  onChange: (value: string | boolean) => void
}) {
  const { id, field } = props
  const hintId = `${id}-hint`
  const describedBy = field.hint ? hintId : undefined
  if (field.kind === 'flag') {
    return (
      <div className="connect-field connect-flag">
        <label className="check-label">
          <input
            type="checkbox"
            checked={props.value === true}
            onChange={(e) => props.onChange(e.target.checked)}
            aria-describedby={describedBy}
          />
          {field.label}
        </label>
        {field.hint && (
          <p className="pref-hint" id={hintId}>
            {field.hint}
          </p>
        )}
      </div>
    )
  }
  return (
    <div className="connect-field">
      <label htmlFor={id} className="field-label">
        {field.label}
        {!field.required && <span className="muted"> (optional)</span>}
      </label>
      <input
        id={id}
        className={field.kind === 'text' ? 'input' : 'input mono'}
        type={field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : 'text'}
        value={typeof props.value === 'string' ? props.value : ''}
        onChange={(e) => props.onChange(e.target.value)}
        required={field.required}
        aria-describedby={describedBy}
        // A password manager may fill a secret in; nothing is remembered by the window itself.
        autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
        spellCheck={false}
      />
      {field.hint && (
        <p className="pref-hint" id={hintId}>
          {field.hint}
        </p>
      )}
    </div>
  )
}

/** Every field empty (flags off), then what `initial` gives for non-secret fields. */
function startValues(provider: ProviderView, initial: FieldValues = {}): FieldValues {
  return Object.fromEntries(
    provider.connectFields.map((f) => {
      const given = f.kind === 'secret' ? undefined : initial[f.name]
      return [f.name, given ?? (f.kind === 'flag' ? false : '')]
    }),
  )
}
