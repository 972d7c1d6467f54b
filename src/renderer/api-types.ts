// Type-only views of the IPC contract, so no schema code (zod) ends up in the renderer bundle.
import type {
  CommandOutput,
  CompanionApi,
  JobView,
  StatusView,
  SettingsView,
  ProgressView,
} from '../shared/ipc-contract.ts'
import type { Connection } from '../shared/settings-schema.ts'

export type { CompanionApi, Connection, JobView, ProgressView, SettingsView, StatusView }
export type ErrorInfo = NonNullable<StatusView['lastError']>
export type JobState = JobView['state']
export type ProviderView = CommandOutput<'providers.list'>[number]
export type NotificationLevel = SettingsView['notifications']

/** The job id of the local/NAS folder destination (the engine's LOCAL_DESTINATION_ID). */
export const LOCAL_DESTINATION_ID = 'local'
/** The scope status.paused uses for "everything is paused" (the engine's ALL). */
export const ALL_SCOPE = '*'
