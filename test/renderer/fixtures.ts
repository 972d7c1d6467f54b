import type {
  Connection,
  ProviderSettingsView,
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
    sources: [
      {
        id: 'fermentrack',
        label: 'Fermentrack',
        folder: '/home/pi/fermentrack/backups',
        remoteSubfolder: null,
        destinations: null,
      },
    ],
    patterns: ['*.tar.xz', '*.zip'],
    remoteFolder: '/Fermentrack Backups',
    concurrency: 2,
    notifications: 'all',
    startAtLogin: false,
    localDestination: null,
    verifySchedule: 'off',
    alertAfter: '2d',
    bandwidthLimit: 0,
    bandwidthSchedule: null,
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

const DOCS = 'https://github.com/fermentrack-backup-companion/fermentrack-backup-companion'

export function makeProviders(dropboxEnabled = true): ProviderView[] {
  return [
    {
      provider_id: 'dropbox',
      display_name: 'Dropbox',
      is_enabled: dropboxEnabled,
      reason: dropboxEnabled ? null : 'Dropbox needs an app key.',
      auth: 'oauth-pkce',
      available: true,
      docsUrl: `${DOCS}#dropbox`,
      connectFields: [],
    },
    {
      provider_id: 'google-drive',
      display_name: 'Google Drive',
      is_enabled: false,
      reason:
        'Google Drive needs an OAuth client: enter the Client ID (and Client Secret) of your "Desktop app" client from the Google Cloud console.',
      auth: 'oauth-pkce',
      available: true,
      docsUrl: `${DOCS}#google-drive`,
      connectFields: [],
    },
    {
      provider_id: 'local',
      display_name: 'Local or NAS folder',
      is_enabled: true,
      reason: null,
      auth: 'none',
      available: true,
      docsUrl: `${DOCS}#local-or-nas-folder`,
      connectFields: [{ name: 'folder', label: 'Folder', kind: 'text', required: true }],
    },
  ]
}

/** A provider that signs in with a server address, a user name and a password. */
export function makePasswordProvider(overrides: Partial<ProviderView> = {}): ProviderView {
  return {
    provider_id: 'webdav',
    display_name: 'WebDAV',
    is_enabled: true,
    reason: null,
    auth: 'password',
    available: true,
    docsUrl: `${DOCS}#webdav`,
    connectFields: [
      { name: 'url', label: 'Server URL', kind: 'url', required: true, hint: 'https://…' },
      { name: 'username', label: 'User name', kind: 'text', required: true },
      { name: 'password', label: 'Password', kind: 'secret', required: true },
    ],
    ...overrides,
  }
}

/** A provider whose login page hands the app a password of its own. */
export function makeLoginFlowProvider(): ProviderView {
  return {
    provider_id: 'nextcloud',
    display_name: 'Nextcloud',
    is_enabled: true,
    reason: null,
    auth: 'login-flow',
    available: true,
    docsUrl: `${DOCS}#nextcloud`,
    connectFields: [{ name: 'url', label: 'Server URL', kind: 'url', required: true }],
  }
}

export function makeOAuthSettings(
  overrides: Partial<ProviderSettingsView> = {},
  oauth: Partial<NonNullable<ProviderSettingsView['oauth']>> = {},
): ProviderSettingsView {
  return {
    provider_id: 'dropbox',
    display_name: 'Dropbox',
    auth: 'oauth-pkce',
    is_enabled: false,
    reason: 'Dropbox needs an app key: enter your Dropbox app key as the Client ID.',
    available: true,
    enabled: true,
    oauth: {
      clientId: null,
      clientIdSource: 'none',
      clientSecretSet: false,
      usesClientSecret: false,
      authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
      authorizationUrlOptions: { token_access_type: 'offline' },
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      redirectUris: [
        'fermentrack-backup://oauth/callback',
        'http://127.0.0.1:53135/oauth/callback',
      ],
      scopes: ['files.content.write', 'files.metadata.read', 'account_info.read'],
      ...oauth,
    },
    defaultTarget: '/Fermentrack Backups',
    docsUrl: `${DOCS}#dropbox`,
    ...overrides,
  }
}

/** OneDrive as the engine describes it unconfigured: a public client (no secret), any loopback port. */
export function makeOneDriveSettings(): ProviderSettingsView {
  return makeOAuthSettings(
    {
      provider_id: 'onedrive',
      display_name: 'OneDrive',
      reason:
        'OneDrive needs a client id: register an app in Microsoft Entra and enter its Application (client) ID as the Client ID (or set ONEDRIVE_CLIENT_ID).',
      docsUrl: `${DOCS}#onedrive`,
    },
    {
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      authorizationUrlOptions: {},
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      redirectUris: [
        'fermentrack-backup://oauth/callback',
        'http://localhost:<any port>/oauth/callback',
      ],
      scopes: ['Files.ReadWrite.AppFolder', 'offline_access', 'User.Read'],
    },
  )
}

/** Dropbox (OAuth, not configured), Google Drive with a client secret, OneDrive, and the folder. */
export function makeProviderSettings(): ProviderSettingsView[] {
  return [
    makeOAuthSettings(),
    makeOAuthSettings(
      {
        provider_id: 'google-drive',
        display_name: 'Google Drive',
        is_enabled: true,
        reason: null,
        docsUrl: `${DOCS}#google-drive`,
      },
      {
        clientId: 'desktop-client.apps.example',
        clientIdSource: 'settings',
        clientSecretSet: true,
        usesClientSecret: true,
        authorizationUrl: 'https://accounts.example.com/o/oauth2/v2/auth',
        authorizationUrlOptions: { access_type: 'offline' },
        tokenUrl: 'https://oauth2.example.com/token',
        scopes: ['drive.file'],
      },
    ),
    makeOneDriveSettings(),
    {
      provider_id: 'local',
      display_name: 'Local or NAS folder',
      auth: 'none',
      is_enabled: true,
      reason: null,
      available: true,
      enabled: true,
      oauth: null,
      defaultTarget: '/Fermentrack Backups',
      docsUrl: `${DOCS}#local-or-nas-folder`,
    },
  ]
}
