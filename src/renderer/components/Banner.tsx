import type { ReactNode } from 'react'
import { Icon, type IconName } from './Icon.tsx'

/** A full-width notice under the header: an error to fix, or an account to reconnect. */
export function Banner(props: {
  tone: 'error' | 'warning'
  icon: IconName
  title: string
  children: ReactNode
  action?: ReactNode
  onDismiss?: () => void
}) {
  return (
    <div className={`banner banner-${props.tone}`} role="alert">
      <span className="banner-icon">
        <Icon name={props.icon} size={20} />
      </span>
      <div className="banner-text">
        <strong>{props.title}</strong>
        <p>{props.children}</p>
      </div>
      {props.action && <div className="banner-action">{props.action}</div>}
      {props.onDismiss && (
        <button
          type="button"
          className="icon-button"
          aria-label="Hide this message"
          onClick={props.onDismiss}
        >
          <Icon name="close" size={16} />
        </button>
      )}
    </div>
  )
}
