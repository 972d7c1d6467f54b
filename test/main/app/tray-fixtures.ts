import type { HealthView, JobView, StatusView } from '../../../src/shared/ipc-contract.ts'

export function status(change: Partial<StatusView> = {}): StatusView {
  return {
    paused: [],
    counts: { queued: 0, uploading: 0, verifying: 0, done: 0, failed: 0, cancelled: 0 },
    watch: { folder: '/home/brewer/fermentrack/backups', state: 'watching', error: null },
    tray: 'idle',
    lastError: null,
    ...change,
  }
}

export function job(change: Partial<JobView> = {}): JobView {
  return {
    id: 1,
    path: '/home/brewer/fermentrack/backups/backup-2026-11-20.tar.xz',
    name: 'backup-2026-11-20.tar.xz',
    size: 1000,
    connectionId: 'dbid:abc',
    state: 'uploading',
    origin: 'watch',
    attempts: 1,
    bytesDone: 0,
    remotePath: null,
    contentHash: null,
    checksumAlgorithm: null,
    verifiedBy: null,
    renamed: false,
    error: null,
    queuedAt: 1,
    startedAt: 2,
    finishedAt: null,
    bytesPerSecond: null,
    ...change,
  }
}

/** What the health monitor reports when Fermentrack has written nothing for three days. */
export const QUIET_FERMENTRACK: HealthView = {
  alerts: [
    {
      key: 'watch-folder',
      severity: 'warning',
      message: "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
    },
  ],
  lastBackupAt: null,
  checkedAt: 0,
}
