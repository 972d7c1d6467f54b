import type { ReactNode } from 'react'

/** A preference: its name and a hint on the left, the control on the right. */
export function PrefRow(props: {
  label: ReactNode
  hint?: ReactNode
  hintId?: string
  error?: string
  errorId?: string
  /** The control below the text, full width (a list), rather than beside it. */
  wide?: boolean
  children: ReactNode
}) {
  return (
    <div className={props.wide ? 'pref pref-wide' : 'pref'}>
      <div className="pref-text">
        <div className="pref-label">{props.label}</div>
        {props.hint && (
          <div className="pref-hint" id={props.hintId}>
            {props.hint}
          </div>
        )}
      </div>
      <div className="pref-control">
        {props.children}
        {props.error && (
          <p className="field-error" id={props.errorId}>
            {props.error}
          </p>
        )}
      </div>
    </div>
  )
}

/** A preference that is on or off: a labelled switch, its hint read with it. */
export function SwitchPref(props: {
  id: string
  label: string
  hint: string
  checked: boolean
  onChange: (checked: boolean) => void
}) {
  const hintId = `${props.id}-hint`
  return (
    <PrefRow
      label={<label htmlFor={props.id}>{props.label}</label>}
      hint={props.hint}
      hintId={hintId}
    >
      <input
        id={props.id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
        aria-describedby={hintId}
      />
    </PrefRow>
  )
}
