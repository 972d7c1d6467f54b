import { REMOTE_FOLDER } from '../../shared/remote-folder.ts'
import type { NotificationLevel, SettingsView } from '../api-types.ts'
import { alertAfterText, toAlertAfterDraft, type AlertAfterDraft } from './alert-after-draft.ts'
import {
  fromSourceDraft,
  sameSources,
  sourceErrors,
  toSourceDrafts,
  type SourceDraft,
} from './source-draft.ts'
import {
  fullSpeedSchedule,
  isError,
  toFullSpeedDraft,
  toUploadLimitDraft,
  uploadLimitBytes,
  type FullSpeedDraft,
  type UploadLimitDraft,
} from './upload-limit-draft.ts'

/** The form's values: as SettingsView, but patterns (and subfolders) as the text typed. */
export interface Draft {
  sources: SourceDraft[]
  patterns: string
  remoteFolder: string
  concurrency: number
  notifications: NotificationLevel
  startAtLogin: boolean
  localDestination: string | null
  verifySchedule: SettingsView['verifySchedule']
  uploadLimit: UploadLimitDraft
  fullSpeed: FullSpeedDraft
  alertAfter: AlertAfterDraft
}

export type DraftErrors = Partial<Record<keyof Draft, string>>

export function toDraft(settings: SettingsView): Draft {
  const { bandwidthLimit, bandwidthSchedule, alertAfter, ...rest } = settings
  return {
    ...rest,
    alertAfter: toAlertAfterDraft(alertAfter),
    sources: toSourceDrafts(settings.sources),
    patterns: settings.patterns.join(', '),
    uploadLimit: toUploadLimitDraft(bandwidthLimit),
    fullSpeed: toFullSpeedDraft(bandwidthSchedule),
  }
}

export function parsePatterns(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
}

export function validateDraft(draft: Draft): DraftErrors {
  const errors: DraftErrors = {}
  const problem = sourceErrors(draft.sources).find((e) => e !== null)
  if (problem) errors.sources = problem
  if (parsePatterns(draft.patterns).length === 0)
    errors.patterns = 'Add at least one name pattern, for example *.tar.xz.'
  if (!REMOTE_FOLDER.test(draft.remoteFolder))
    errors.remoteFolder =
      'Start with “/” and leave off a “/” at the end, for example /Fermentrack Backups.'
  const limit = uploadLimitBytes(draft.uploadLimit)
  if (isError(limit)) errors.uploadLimit = limit.error
  const schedule = fullSpeedSchedule(draft.fullSpeed)
  if (isError(schedule)) errors.fullSpeed = schedule.error
  const alertAfter = alertAfterText(draft.alertAfter)
  if (typeof alertAfter !== 'string') errors.alertAfter = alertAfter.error
  return errors
}

/** Only what differs from the saved settings, as settings.update takes it. */
export function changesFrom(saved: SettingsView, draft: Draft): Partial<SettingsView> {
  const change: Partial<SettingsView> = {}
  const patterns = parsePatterns(draft.patterns)
  if (patterns.join('\u0000') !== saved.patterns.join('\u0000')) change.patterns = patterns
  const sources = draft.sources.map(fromSourceDraft)
  if (!sameSources(sources, saved.sources)) change.sources = sources
  if (draft.remoteFolder !== saved.remoteFolder) change.remoteFolder = draft.remoteFolder
  if (draft.concurrency !== saved.concurrency) change.concurrency = draft.concurrency
  if (draft.notifications !== saved.notifications) change.notifications = draft.notifications
  if (draft.startAtLogin !== saved.startAtLogin) change.startAtLogin = draft.startAtLogin
  if (draft.verifySchedule !== saved.verifySchedule) change.verifySchedule = draft.verifySchedule
  if (draft.localDestination !== saved.localDestination)
    change.localDestination = draft.localDestination
  const limit = uploadLimitBytes(draft.uploadLimit)
  if (!isError(limit) && limit !== saved.bandwidthLimit) change.bandwidthLimit = limit
  const schedule = fullSpeedSchedule(draft.fullSpeed)
  if (!isError(schedule) && !sameSchedule(schedule, saved.bandwidthSchedule))
    change.bandwidthSchedule = schedule
  const alertAfter = alertAfterText(draft.alertAfter)
  if (typeof alertAfter === 'string' && alertAfter !== saved.alertAfter)
    change.alertAfter = alertAfter
  return change
}

type Schedule = SettingsView['bandwidthSchedule']
function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a?.fullSpeedFrom === b?.fullSpeedFrom && a?.fullSpeedTo === b?.fullSpeedTo
}
