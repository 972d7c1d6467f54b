import { ALL_SCOPE, type StatusView } from './api-types.ts'
import type { IconName } from './components/Icon.tsx'

export interface StatusSummary {
  tone: 'idle' | 'uploading' | 'error' | 'paused' | 'loading'
  icon: IconName
  title: string
  detail: string
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** The header's one-line answer to "are my backups safe?". */
export function summarizeStatus(status: StatusView | null, setupNeeded = false): StatusSummary {
  if (status === null) return { tone: 'loading', icon: 'clock', title: 'Starting…', detail: '' }
  if (setupNeeded && status.tray === 'idle')
    return {
      tone: 'loading',
      icon: 'info',
      title: 'Not backing up yet',
      detail: 'finish setting up',
    }
  const c = status.counts
  const inFlight = (c.uploading ?? 0) + (c.verifying ?? 0)
  const waiting = c.queued ?? 0
  const failed = c.failed ?? 0
  const queue = [
    inFlight > 0 && `${plural(inFlight, 'backup')} uploading`,
    waiting > 0 && `${waiting} waiting`,
    failed > 0 && `${failed} failed`,
  ]
    .filter(Boolean)
    .join(' · ')
  switch (status.tray) {
    case 'paused':
      return {
        tone: 'paused',
        icon: 'pause',
        title: 'Uploads paused',
        detail: waiting + inFlight > 0 ? `${waiting + inFlight} waiting for you to resume` : '',
      }
    case 'error':
      return { tone: 'error', icon: 'alert', title: 'Needs your attention', detail: queue }
    case 'uploading':
      return {
        tone: 'uploading',
        icon: 'arrowUp',
        title: inFlight > 0 ? `Uploading ${plural(inFlight, 'backup')}` : 'Uploading',
        detail: waiting > 0 ? `${waiting} waiting` : '',
      }
    default:
      return {
        tone: 'idle',
        icon: 'checkCircle',
        title: (c.done ?? 0) > 0 ? 'All backups uploaded' : 'Ready',
        detail: waiting > 0 ? `${waiting} waiting` : '',
      }
  }
}

export function isPausedAll(status: StatusView | null): boolean {
  return status?.paused.includes(ALL_SCOPE) ?? false
}

export function watchText(watch: StatusView['watch']): string {
  switch (watch.state) {
    case 'watching':
      return `Watching ${watch.folder}`
    case 'starting':
      return `Starting to watch ${watch.folder}`
    case 'unavailable':
      return `Can’t read ${watch.folder}`
    default:
      return watch.folder ? 'Not watching' : 'No backups folder chosen'
  }
}
