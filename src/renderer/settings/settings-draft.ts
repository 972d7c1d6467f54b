import { REMOTE_FOLDER } from '../../shared/remote-folder.ts'
import type { NotificationLevel, SettingsView } from '../api-types.ts'

/** The form's values: as SettingsView, but patterns as the text the user types. */
export interface Draft {
  watchFolder: string | null
  patterns: string
  remoteFolder: string
  concurrency: number
  notifications: NotificationLevel
  startAtLogin: boolean
  localDestination: string | null
}

export type DraftErrors = Partial<Record<keyof Draft, string>>

export function toDraft(settings: SettingsView): Draft {
  return { ...settings, patterns: settings.patterns.join(', ') }
}

export function parsePatterns(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
}

export function validateDraft(draft: Draft): DraftErrors {
  const errors: DraftErrors = {}
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
  if (draft.watchFolder !== saved.watchFolder) change.watchFolder = draft.watchFolder
  if (draft.remoteFolder !== saved.remoteFolder) change.remoteFolder = draft.remoteFolder
  if (draft.concurrency !== saved.concurrency) change.concurrency = draft.concurrency
  if (draft.notifications !== saved.notifications) change.notifications = draft.notifications
  if (draft.startAtLogin !== saved.startAtLogin) change.startAtLogin = draft.startAtLogin
  if (draft.localDestination !== saved.localDestination)
    change.localDestination = draft.localDestination
  return change
}
