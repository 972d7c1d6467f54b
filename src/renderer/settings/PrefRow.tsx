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
