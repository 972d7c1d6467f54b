// What the tray knows: the service's status, plus the uploads in flight with their progress.
import type {
  EventName,
  HealthAlertView,
  HealthView,
  JobView,
  ProgressView,
  SettingsFileView,
  SettingsView,
  StatusView,
} from '../../shared/ipc-contract.ts'

export interface ActiveUpload {
  id: number
  name: string
  size: number
  bytesDone: number
  verifying: boolean
}

export interface TrayState {
  status: StatusView
  /** Jobs uploading or verifying, oldest first. */
  uploads: ActiveUpload[]
  /** Silences the health monitor found: a stale destination, Fermentrack writing nothing. */
  alerts: HealthAlertView[]
  /** The saved upload speed limit (bandwidthLimit), bytes per second; 0 = unlimited. */
  uploadLimit: number
  /** A hand edit of settings.json that is not applied (what is wrong), until the file is fixed. */
  settingsProblem: string | null
}

/**
 * The tray's icon: what the queue says, except that an idle queue with a health alert (or a hand
 * edit of the settings that is not applied) shows the warning, so a quiet Fermentrack is seen
 * without opening the window. An upload error or a pause says more about what to do now.
 */
export function trayIcon(state: TrayState): StatusView['tray'] | 'warning' {
  const queue = state.status.tray
  const warned = state.alerts.length > 0 || state.settingsProblem !== null
  return queue === 'idle' && warned ? 'warning' : queue
}

const isActive = (job: JobView) => job.state === 'uploading' || job.state === 'verifying'

function toUpload(job: JobView): ActiveUpload {
  const { id, name, size, bytesDone } = job
  return { id, name, size, bytesDone, verifying: job.state === 'verifying' }
}

export function initialTrayState(
  status: StatusView,
  active: readonly JobView[],
  alerts: readonly HealthAlertView[] = [],
  uploadLimit = 0,
): TrayState {
  return {
    status,
    alerts: [...alerts],
    uploadLimit,
    settingsProblem: null,
    uploads: active
      .filter(isActive)
      .map(toUpload)
      .sort((a, b) => a.id - b.id),
  }
}

/** Folds one companion event into the state; events the tray ignores return it unchanged. */
export function reduceTrayState(state: TrayState, name: EventName, payload: unknown): TrayState {
  if (name === 'status.changed') return { ...state, status: payload as StatusView }
  if (name === 'health.changed') return { ...state, alerts: (payload as HealthView).alerts }
  if (name === 'settingsFile.changed')
    return { ...state, settingsProblem: (payload as SettingsFileView).problem }
  if (name === 'settings.changed') {
    const { bandwidthLimit } = payload as SettingsView
    return bandwidthLimit === state.uploadLimit ? state : { ...state, uploadLimit: bandwidthLimit }
  }
  if (name === 'uploads.job') {
    const job = payload as JobView
    const others = state.uploads.filter((upload) => upload.id !== job.id)
    const uploads = isActive(job) ? [...others, toUpload(job)].sort((a, b) => a.id - b.id) : others
    return { ...state, uploads }
  }
  if (name === 'uploads.progress') {
    const progress = payload as ProgressView
    if (!state.uploads.some((upload) => upload.id === progress.jobId)) return state
    const uploads = state.uploads.map((upload) =>
      upload.id === progress.jobId
        ? { ...upload, bytesDone: progress.bytesDone, size: progress.size }
        : upload,
    )
    return { ...state, uploads }
  }
  return state
}
