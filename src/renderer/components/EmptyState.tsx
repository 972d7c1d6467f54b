import type { ReactNode } from 'react'
import { Icon, type IconName } from './Icon.tsx'

export function EmptyState(props: {
  icon: IconName
  title: string
  children: ReactNode
  actions?: ReactNode
}) {
  return (
    <div className="empty-state">
      <span className="empty-icon">
        <Icon name={props.icon} size={28} />
      </span>
      <h3>{props.title}</h3>
      <div className="empty-text">{props.children}</div>
      {props.actions && <div className="empty-actions">{props.actions}</div>}
    </div>
  )
}
