import { useId } from 'react'
import type { JobState } from '../api-types.ts'
import { Icon } from '../components/Icon.tsx'
import { STATUS_FILTERS } from './job-status.ts'

export interface HistoryToolbarProps {
  text: string
  status: JobState | null
  failedCount: number
  onText: (text: string) => void
  onStatus: (status: JobState | null) => void
  onRetryAll: () => void
}

export function HistoryToolbar(props: HistoryToolbarProps) {
  const searchId = useId()
  const statusId = useId()
  return (
    <div className="toolbar" role="search">
      <div className="search">
        <Icon name="search" size={16} />
        <label htmlFor={searchId} className="visually-hidden">
          Search uploads
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          placeholder="Search file names"
          value={props.text}
          maxLength={200}
          onChange={(e) => props.onText(e.target.value)}
        />
      </div>
      <label htmlFor={statusId} className="visually-hidden">
        Show
      </label>
      <select
        id={statusId}
        className="select"
        value={props.status ?? ''}
        onChange={(e) => props.onStatus((e.target.value || null) as JobState | null)}
      >
        {STATUS_FILTERS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      {props.failedCount > 0 && (
        <button
          type="button"
          className="button"
          onClick={props.onRetryAll}
          title={`Retry ${props.failedCount} failed uploads`}
        >
          <Icon name="retry" size={16} />
          <span className="button-text">Retry {props.failedCount} failed</span>
        </button>
      )}
    </div>
  )
}
