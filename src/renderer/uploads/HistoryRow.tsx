import type { Ref } from 'react'
import type { JobView } from '../api-types.ts'
import { Icon } from '../components/Icon.tsx'
import { formatBytes } from '../format/format-bytes.ts'
import { formatFullTime, formatWhen } from '../format/format-time.ts'
import { JOB_STATUS, waitingNote } from './job-status.ts'

/** A row with one line of detail; a failed row's error may wrap, making it taller. */
export const ROW_HEIGHT = 52

export interface HistoryRowProps {
  job: JobView | undefined
  index: number
  /** Measures the row (its height varies with a wrapped error). */
  rowRef?: Ref<HTMLDivElement>
  selected: boolean
  destination: string
  onSelect: () => void
  onRetry: () => void
  onCancel: () => void
}

export const rowDomId = (index: number) => `history-row-${index}`

/**
 * One row, as tall as its content: a failed upload shows its whole error (up to three lines). Its buttons are for the mouse (tabIndex -1): the grid is one tab stop,
 * and the details panel below offers the same actions to the keyboard.
 */
export function HistoryRow(props: HistoryRowProps) {
  const { job, index, selected, destination } = props
  if (!job) {
    return (
      <div
        ref={props.rowRef}
        data-index={index}
        className="row row-loading"
        role="row"
        aria-rowindex={index + 2}
        id={rowDomId(index)}
      >
        <div role="gridcell" className="cell-status">
          <span className="skeleton-bar" />
        </div>
        <div role="gridcell" className="cell-file">
          <span className="skeleton-bar wide" />
        </div>
      </div>
    )
  }
  const status = JOB_STATUS[job.state]
  const when = job.finishedAt ?? job.startedAt ?? job.queuedAt
  const waiting = waitingNote(job)
  const detail =
    waiting ??
    job.error?.message ??
    (job.state === 'done' && job.remotePath
      ? `${destination} · ${job.remotePath}${job.renamed ? ' (renamed: the name was taken)' : ''}${job.prunedBy ? ` · pruned by ${job.prunedBy}` : ''}`
      : destination)
  return (
    <div
      ref={props.rowRef}
      data-index={index}
      className={`row state-${job.state}${selected ? ' selected' : ''}`}
      role="row"
      id={rowDomId(index)}
      aria-rowindex={index + 2}
      aria-selected={selected}
      onClick={props.onSelect}
    >
      <div role="gridcell" className="cell-status">
        <Icon name={status.icon} size={16} />
        <span>{status.label}</span>
      </div>
      <div role="gridcell" className="cell-file">
        <span className="file-name" title={job.path}>
          {job.name}
        </span>
        <span
          className={job.error && !waiting ? 'file-detail error-text' : 'file-detail'}
          title={detail}
        >
          {detail}
        </span>
      </div>
      <div role="gridcell" className="cell-size">
        {formatBytes(job.size)}
      </div>
      <div role="gridcell" className="cell-when" title={formatFullTime(when)}>
        {formatWhen(when)}
      </div>
      <div role="gridcell" className="cell-action">
        {job.state === 'failed' && (
          <button
            type="button"
            className="button button-small"
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation()
              props.onRetry()
            }}
            aria-label={`Retry ${job.name}`}
          >
            <Icon name="retry" size={14} />
            Retry
          </button>
        )}
        {(job.state === 'queued' || job.state === 'uploading') && (
          <button
            type="button"
            className="icon-button"
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation()
              props.onCancel()
            }}
            aria-label={`Cancel ${job.name}`}
          >
            <Icon name="close" size={16} />
          </button>
        )}
      </div>
    </div>
  )
}
