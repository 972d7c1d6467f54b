// When the app speaks up. The `notifications` setting (README: all, errors or none) decides:
// failures notify under `all` and `errors`, successes only under `all`, `none` silences both.
// A failure also stays in the tray until the next success, so nothing is lost with `none`.
import type {
  HealthAlertView,
  JobView,
  SettingsView,
  StatusView,
} from '../../shared/ipc-contract.ts'
import { shorten } from './tray-menu.ts'

export type NotificationLevel = SettingsView['notifications']
type ErrorPayload = { code: string; message: string }

export type Notice =
  | { kind: 'job'; job: JobView }
  | { kind: 'watch'; before: StatusView['watch']; after: StatusView['watch'] }
  | { kind: 'problem'; title: string; error: ErrorPayload }
  /** A health alert; alert-ledger.ts lets each through once a day. */
  | { kind: 'health'; alert: HealthAlertView }

export interface NotificationContent {
  title: string
  body: string
  failure: boolean
}

const MAX_BODY = 250

export function notificationFor(
  notice: Notice,
  level: NotificationLevel,
): NotificationContent | null {
  const content = describe(notice)
  if (content === null || level === 'none') return null
  if (!content.failure && level !== 'all') return null
  return { ...content, body: shorten(content.body, MAX_BODY) }
}

function describe(notice: Notice): NotificationContent | null {
  if (notice.kind === 'problem') return failure(notice.title, notice.error.message)
  // A silence is a problem to act on: it notifies under `errors` as failures do.
  if (notice.kind === 'health') return failure('Backups have gone quiet', notice.alert.message)
  if (notice.kind === 'watch') {
    const { before, after } = notice
    // Only the moment the folder goes missing; it stays in the tray while it is.
    if (after.state !== 'unavailable' || before.state === 'unavailable') return null
    return failure('Backups folder unavailable', after.error?.message ?? after.folder ?? '')
  }
  const { job } = notice
  if (job.state === 'failed') return failure(`Upload failed: ${job.name}`, reason(job.error))
  if (job.state !== 'done') return null
  const where = job.remotePath ?? 'its destination'
  const renamed = job.renamed ? ' (a different file had its name)' : ''
  return {
    title: 'Backup uploaded',
    body: `${job.name} is safe in ${where}${renamed}.`,
    failure: false,
  }
}

function failure(title: string, body: string): NotificationContent {
  return { title, body, failure: true }
}

function reason(error: { message: string } | null): string {
  return error?.message || 'The upload failed for an unknown reason.'
}

/**
 * Several notifications at once (a first scan finding a dozen backups, a full account failing the
 * whole queue) become one, so the desktop isn't flooded. Failures lead.
 */
export function summarize(contents: readonly NotificationContent[]): NotificationContent | null {
  if (contents.length <= 1) return contents[0] ?? null
  const failures = contents.filter((content) => content.failure)
  const successes = contents.length - failures.length
  const parts = [
    ...(failures.length ? [count(failures.length, 'problem', 'problems')] : []),
    ...(successes ? [count(successes, 'backup uploaded', 'backups uploaded')] : []),
  ]
  const first = failures[0] ?? contents[0]!
  return {
    title: parts.join(', '),
    body: shorten(`${first.title}: ${first.body}`, MAX_BODY),
    failure: failures.length > 0,
  }
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
