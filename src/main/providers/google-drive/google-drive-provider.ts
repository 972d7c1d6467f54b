import { AppError } from '../../../shared/app-error.ts'
import { clientIdRequired, pkceClientFrom } from '../oauth-settings.ts'
import type {
  AccessTokens,
  AccountInfo,
  Credentials,
  Provider,
  ProviderContext,
} from '../provider.ts'
import { DriveApi } from './drive-api.ts'
import { driveFiles } from './drive-files.ts'
import { DriveFolders, segmentsOf, targetMemory, type TargetMemory } from './drive-folders.ts'
import { DriveUploader } from './drive-uploader.ts'
import { DRIVE_FILE_SCOPE, googleEndpoints } from './google-config.ts'

/** Drive's own limit for one file (5 TB, its upload guide). */
const MAX_FILE_BYTES = 5 * 1000 ** 4

function api(tokens: AccessTokens | null, context: ProviderContext): DriveApi {
  if (!tokens) throw new AppError('needs_reauth')
  return new DriveApi({
    endpoints: googleEndpoints(context.env),
    tokens,
    fetch: context.fetch,
    uploadFetch: context.uploadFetch,
  })
}

function connection(credentials: Credentials, context: ProviderContext) {
  const client = api(credentials.tokens, context)
  return { client, folders: new DriveFolders(client, targetMemory(credentials.config)) }
}

async function accountOf(client: DriveApi): Promise<AccountInfo> {
  const about = await client.json<{
    user: { displayName: string; emailAddress: string; permissionId: string }
    storageQuota: { limit?: string; usage: string }
  }>({
    method: 'GET',
    url: '/drive/v3/about',
    query: { fields: 'user(displayName,emailAddress,permissionId),storageQuota(limit,usage)' },
    what: 'the account summary',
  })
  const { user, storageQuota } = about
  return {
    account: { id: user.permissionId, name: user.displayName, email: user.emailAddress },
    // An unlimited plan has no limit at all.
    space:
      storageQuota.limit === undefined
        ? null
        : { used: Number(storageQuota.usage), allocated: Number(storageQuota.limit) },
  }
}

/**
 * Google Drive: a sign-in with PKCE through a loopback redirect on any port (Google takes no
 * custom scheme), the drive.file scope, and backups in a folder in My Drive, verified by the
 * SHA-256 Drive reports.
 */
export const googleDriveProvider: Provider = {
  id: 'google-drive',
  displayName: 'Google Drive',
  auth: 'oauth-pkce',
  redirects: ['loopback'],
  anyLoopbackPort: true,
  connectFields: [],
  maxFileBytes: MAX_FILE_BYTES,
  docsAnchor: 'google-drive',
  oauthDefaults(env) {
    const endpoints = googleEndpoints(env)
    return {
      authorizationUrl: endpoints.authorizeUrl,
      // offline + consent: a refresh token at every sign-in, not only the first one.
      authorizationUrlOptions: { access_type: 'offline', prompt: 'consent' },
      tokenUrl: endpoints.tokenUrl,
      scopes: [DRIVE_FILE_SCOPE],
      // "Desktop app" clients come with a secret Google expects in the token request.
      usesClientSecret: true,
      clientIdEnv: ['GOOGLE_CLIENT_ID'],
    }
  },
  isEnabled: clientIdRequired(
    'Google Drive',
    'Google Drive needs an OAuth client: enter the Client ID (and Client Secret) of your "Desktop app" client from the Google Cloud console.',
  ),
  oauthClient(context) {
    return pkceClientFrom(googleDriveProvider, context)
  },
  async connect(request, context) {
    const client = api(request.tokens ?? null, context)
    const info = await accountOf(client)
    // The target folder is made now, so the first upload finds it and its id is remembered.
    const folderName = segmentsOf(context.settings.defaultTarget)[0]
    if (!folderName) return { ...info, config: {}, secret: null }
    const folderId = await new DriveFolders(client, undefined).find(`/${folderName}`, true)
    const memory: TargetMemory = { folderId: folderId!, folderName }
    return { ...info, config: { ...memory }, secret: null }
  },
  uploader(credentials, context) {
    const { client, folders } = connection(credentials, context)
    return new DriveUploader(client, folders, context.chunkSize, context.adaptiveChunks)
  },
  account: (credentials, context) => accountOf(api(credentials.tokens, context)),
  async disconnect(credentials, context) {
    await api(credentials.tokens, context).revoke()
  },
  list(credentials, folder, context) {
    const { client, folders } = connection(credentials, context)
    return driveFiles(client, folders).list(folder)
  },
  download(credentials, remotePath, target, context, options) {
    const { client, folders } = connection(credentials, context)
    return driveFiles(client, folders).download(remotePath, target, options)
  },
  remove(credentials, remotePath, context) {
    const { client, folders } = connection(credentials, context)
    return driveFiles(client, folders).remove(remotePath)
  },
  downloadCheck: "Google Drive's SHA-256, checked on download",
}
