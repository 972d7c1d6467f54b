import type {
  Connection,
  ErrorInfo,
  JobView,
  ProviderView,
  SettingsView,
  StatusView,
} from '../../src/renderer/api-types.ts'

const HOUR = 3_600_000
export const NOW = Date.UTC(2026, 10, 22, 18, 0, 0)

export function makeConnection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'dbx-1',
    provider: 'dropbox',
    account: { id: 'acc-1', name: 'Bob Brewer', email: 'bob@homebrew.example' },
    created: '2026-10-01T10:00:00.000Z',
    status: 'connected',
    space: { used: 400e9, allocated: 2e12 },
    config: {},
    ...overrides,
  }
}

export function makeJob(overrides: Partial<JobView> = {}): JobView {
  const id = overrides.id ?? 1
  const name = overrides.name ?? `fermentrack_backup_${String(id).padStart(5, '0')}.tar.xz`
  return {
    id,
    path: `/home/pi/fermentrack/backups/${name}`,
    name,
    size: 48_200_000,
    connectionId: 'dbx-1',
    state: 'done',
    origin: 'watch',
    attempts: 1,
    bytesDone: 0,
    remotePath: `/Fermentrack Backups/${name}`,
    contentHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    checksumAlgorithm: 'dropbox-content-hash',
    verifiedBy: 'Dropbox content_hash',
    renamed: false,
    error: null,
    queuedAt: NOW - id * HOUR,
    startedAt: NOW - id * HOUR + 1000,
    finishedAt: NOW - id * HOUR + 9000,
    bytesPerSecond: 2_400_000,
    ...overrides,
  }
}

export const SPACE_ERROR: ErrorInfo = {
  code: 'insufficient_space',
  message:
    'The storage is full: the backup does not fit in the space left. Free up space (or upgrade the plan), then retry the failed uploads with `fermentrack-backup retry --all-failed`.',
}

/** Newest first, as uploads.history answers; every tenth one failed. */
export function makeHistory(count: number): JobView[] {
  return Array.from({ length: count }, (_, i) => {
    const id = count - i
    return id % 10 === 0
      ? makeJob({ id, state: 'failed', remotePath: null, error: SPACE_ERROR, attempts: 6 })
      : makeJob({ id })
  })
}

export function makeSettings(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    watchFolder: '/home/pi/fermentrack/backups',
    patterns: ['*.tar.xz', '*.zip'],
    remoteFolder: '/Fermentrack Backups',
    concurrency: 2,
    notifications: 'all',
    startAtLogin: false,
    localDestination: null,
    ...overrides,
  }
}

export function makeStatus(overrides: Partial<StatusView> = {}): StatusView {
  return {
    paused: [],
    counts: { queued: 0, uploading: 0, verifying: 0, done: 12, failed: 0, cancelled: 0 },
    watch: { folder: '/home/pi/fermentrack/backups', state: 'watching', error: null },
    tray: 'idle',
    lastError: null,
    ...overrides,
  }
}

export function makeProviders(dropboxEnabled = true): ProviderView[] {
  return [
    {
      provider_id: 'dropbox',
      display_name: 'Dropbox',
      is_enabled: dropboxEnabled,
      reason: dropboxEnabled ? null : 'Dropbox needs an app key.',
    },
    { provider_id: 'local', display_name: 'Local or NAS folder', is_enabled: true, reason: null },
  ]
}
