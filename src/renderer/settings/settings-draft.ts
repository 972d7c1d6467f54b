import { REMOTE_FOLDER } from '../../shared/remote-folder.ts'
import type { NotificationLevel, SettingsView } from '../api-types.ts'
import {
  fromSourceDraft,
  sameSources,
  sourceErrors,
  toSourceDrafts,
  type SourceDraft,
} from './source-draft.ts'

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
}

export type DraftErrors = Partial<Record<keyof Draft, string>>

export function toDraft(settings: SettingsView): Draft {
  return {
    ...settings,
    sources: toSourceDrafts(settings.sources),
    patterns: settings.patterns.join(', '),
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
  return change
}
