import { useId } from 'react'
import { formatBytes } from '../format/format-bytes.ts'

/** Space used out of allocated; turns amber past 90 %, where a backup may no longer fit. */
export function SpaceMeter({ used, allocated }: { used: number; allocated: number }) {
  const labelId = useId()
  const ratio = allocated > 0 ? used / allocated : 0
  return (
    <div className="space">
      <meter
        className="space-meter"
        min={0}
        max={allocated || 1}
        value={Math.min(used, allocated || used)}
        high={(allocated || 1) * 0.9}
        optimum={0}
        aria-labelledby={labelId}
      />
      <span id={labelId} className="space-text">
        {formatBytes(used)} of {formatBytes(allocated)} used
        {ratio >= 0.9 && ' · almost full'}
      </span>
    </div>
  )
}
