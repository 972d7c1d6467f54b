import { Icon } from '../components/Icon.tsx'
import { formatBytes, formatSpeed } from '../format/format-bytes.ts'
import { formatEta } from '../format/format-duration.ts'
import type { Transfer } from '../hooks/use-active-transfers.ts'

export interface TransferRowProps {
  transfer: Transfer
  destination: string
  onCancel: () => void
}

/** One upload in flight: a progress bar, how far, how fast, how long. */
export function TransferRow({ transfer, destination, onCancel }: TransferRowProps) {
  const { job, progress } = transfer
  const size = progress?.size ?? job.size
  const done = Math.min(progress?.bytesDone ?? job.bytesDone, size)
  const verifying = job.state === 'verifying'
  const speed = progress?.bytesPerSecond ?? job.bytesPerSecond
  const facts = verifying
    ? ['Checking the uploaded copy…']
    : [
        `${formatBytes(done)} of ${formatBytes(size)}`,
        speed ? formatSpeed(speed) : null,
        progress ? formatEta(progress.etaSeconds) : 'starting',
      ].filter((fact): fact is string => fact !== null)
  return (
    <li className="transfer">
      <div className="transfer-head">
        <span className="transfer-name" title={job.path}>
          {job.name}
        </span>
        <span className="transfer-dest">to {destination}</span>
        <button
          type="button"
          className="icon-button"
          aria-label={`Cancel upload of ${job.name}`}
          onClick={onCancel}
        >
          <Icon name="close" size={16} />
        </button>
      </div>
      <progress
        className="progress"
        max={size || 1}
        value={verifying ? size || 1 : done}
        aria-label={`Upload of ${job.name}`}
      />
      <div className="transfer-facts">{facts.join(' · ')}</div>
    </li>
  )
}
