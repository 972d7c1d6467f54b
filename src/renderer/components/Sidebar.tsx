import { useRef, type KeyboardEvent } from 'react'
import appIcon from '../../../assets/icons/128x128.png'
import { SECTIONS, panelId, tabId, type Section } from '../sections.ts'
import { Icon } from './Icon.tsx'

export interface SidebarBadge {
  text: string
  /** Read after the tab's name by screen readers, e.g. "2 failed". */
  label: string
  tone: 'error' | 'warning' | 'info'
}

export interface SidebarProps {
  current: Section
  onSelect: (section: Section) => void
  badges: Partial<Record<Section, SidebarBadge>>
}

/** The section tabs: a vertical tablist, arrow keys move and select, as in native sidebars. */
export function Sidebar({ current, onSelect, badges }: SidebarProps) {
  const tabs = useRef(new Map<Section, HTMLButtonElement>())

  const move = (event: KeyboardEvent, delta: number | 'first' | 'last') => {
    event.preventDefault()
    const i = SECTIONS.findIndex((s) => s.id === current)
    const n = SECTIONS.length
    const next = delta === 'first' ? 0 : delta === 'last' ? n - 1 : (((i + delta) % n) + n) % n
    const section = SECTIONS[next]!.id
    onSelect(section)
    tabs.current.get(section)?.focus()
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(event, 1)
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(event, -1)
    else if (event.key === 'Home') move(event, 'first')
    else if (event.key === 'End') move(event, 'last')
  }

  return (
    <aside className="sidebar">
      <div className="brand">
        <img src={appIcon} alt="" width={32} height={32} />
        <span className="brand-name">
          Backup
          <br />
          Companion
        </span>
      </div>
      <div
        className="tabs"
        role="tablist"
        aria-label="Sections"
        aria-orientation="vertical"
        onKeyDown={onKeyDown}
      >
        {SECTIONS.map((section) => {
          const selected = section.id === current
          const badge = badges[section.id]
          return (
            <button
              key={section.id}
              ref={(el) => {
                if (el) tabs.current.set(section.id, el)
                else tabs.current.delete(section.id)
              }}
              type="button"
              role="tab"
              id={tabId(section.id)}
              aria-controls={panelId(section.id)}
              aria-selected={selected}
              tabIndex={selected ? 0 : -1}
              className="tab"
              onClick={() => onSelect(section.id)}
            >
              <Icon name={section.icon} size={18} />
              <span className="tab-label">{section.label}</span>
              {badge && (
                <span className={`badge badge-${badge.tone}`}>
                  <span aria-hidden="true">{badge.text}</span>
                  <span className="visually-hidden">, {badge.label}</span>
                </span>
              )}
            </button>
          )
        })}
      </div>
    </aside>
  )
}
