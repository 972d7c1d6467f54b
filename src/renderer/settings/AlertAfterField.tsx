import { PrefRow } from './PrefRow.tsx'
import { ALERT_UNIT_LABELS, type AlertAfterDraft, type AlertUnit } from './alert-after-draft.ts'

/** Days or hours; minutes and seconds only when the file already says so (hand-written). */
const OFFERED: AlertUnit[] = ['d', 'h']

/** `alertAfter`: how long without a backup before the window, tray and `health` warn. */
export function AlertAfterField(props: {
  id: string
  value: AlertAfterDraft
  error?: string
  onChange: (value: AlertAfterDraft) => void
}) {
  const { id, value, error } = props
  const units = OFFERED.includes(value.unit) ? OFFERED : [...OFFERED, value.unit]
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  return (
    <PrefRow
      label={<label htmlFor={id}>Warn after</label>}
      hint="Without a new backup for this long, at a destination or from Fermentrack, the tray and this window warn you (and `health` fails)."
      hintId={hintId}
      error={error}
      errorId={errorId}
    >
      <div className="inline-field">
        <input
          id={id}
          className="input"
          type="number"
          min="1"
          step="1"
          inputMode="numeric"
          value={value.amount}
          onChange={(e) => props.onChange({ ...value, amount: e.target.value })}
          aria-invalid={Boolean(error)}
          aria-describedby={`${hintId}${error ? ` ${errorId}` : ''}`}
        />
        <select
          className="select"
          aria-label="Warn after, unit"
          value={value.unit}
          onChange={(e) => props.onChange({ ...value, unit: e.target.value as AlertUnit })}
        >
          {units.map((unit) => (
            <option key={unit} value={unit}>
              {ALERT_UNIT_LABELS[unit]}
            </option>
          ))}
        </select>
        <span>without a backup</span>
      </div>
    </PrefRow>
  )
}
