import { useEffect, useState } from 'react'
import './health.css'
import { formatFullTime } from '../format/format-time.ts'
import { nextChangeIn, relativeTime } from './relative-time.ts'
import { useHealth } from './use-health.ts'

/** "Last backup 2 hours ago": the newest verified upload anywhere, kept current as time passes. */
export function LastBackup() {
  const health = useHealth()
  const at = health?.lastBackupAt ?? null
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (at === null) return
    // One timer to the moment the words change ("59 minutes" to "1 hour"), then the next.
    const timer = setTimeout(() => setNow(Date.now()), nextChangeIn(at, Date.now()) + 50)
    return () => clearTimeout(timer)
  }, [at, now])
  if (health === null) return null
  return (
    <p className="last-backup muted" aria-live="polite">
      {at === null ? (
        'No verified backup yet'
      ) : (
        <>
          Last backup{' '}
          <time dateTime={new Date(at).toISOString()} title={formatFullTime(at)}>
            {relativeTime(at, now)}
          </time>
        </>
      )}
    </p>
  )
}
