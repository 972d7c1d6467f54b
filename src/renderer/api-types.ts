// Type-only views of the IPC contract. The only schemas the window runs are the provider
// settings' own (settings/provider-draft.ts), so the form checks exactly what main will check.
import type {
  BackupView,
  CommandInput,
  CompanionApi,
  ConnectFieldView,
  JobView,
  StatusView,
  SettingsView,
  ProgressView,
  ProviderView,
  RemovalView,
  RestoreProgressView,
  RestoreView,
} from '../shared/ipc-contract.ts'
import type { ProviderSettingsView } from '../shared/provider-settings.ts'
import type { Connection } from '../shared/settings-schema.ts'

export type {
  BackupView,
  CompanionApi,
  ConnectFieldView,
  Connection,
  JobView,
  ProgressView,
  ProviderSettingsView,
  ProviderView,
  RemovalView,
  RestoreProgressView,
  RestoreView,
  SettingsView,
  StatusView,
}
export type ErrorInfo = NonNullable<StatusView['lastError']>
export type JobState = JobView['state']
export type AuthKind = ProviderView['auth']
export type ConfigureRequest = CommandInput<'providers.configure'>
/** What a connect form holds: text fields as typed, flags as ticked. */
export type FieldValues = Record<string, string | boolean>
export type NotificationLevel = SettingsView['notifications']
export type SourceSetting = SettingsView['sources'][number]

/** The job id of the local/NAS folder destination (the engine's LOCAL_DESTINATION_ID). */
export const LOCAL_DESTINATION_ID = 'local'
/** The scope status.paused uses for "everything is paused" (the engine's ALL). */
export const ALL_SCOPE = '*'
