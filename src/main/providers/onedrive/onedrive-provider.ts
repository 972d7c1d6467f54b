import { AppError } from '../../../shared/app-error.ts'
import { clientIdRequired, pkceClientFrom } from '../oauth-settings.ts'
import type {
  AccessTokens,
  AccountInfo,
  Credentials,
  Provider,
  ProviderContext,
} from '../provider.ts'
import { QUICK_XOR } from './drive-item.ts'
import { GraphApi } from './graph-api.ts'
import { ONEDRIVE_SCOPES, oneDriveEndpoints } from './onedrive-config.ts'
import { oneDriveFiles } from './onedrive-files.ts'
import { OneDriveUploader } from './onedrive-uploader.ts'
import { quickXorHashOfFile } from './quick-xor-file.ts'

/** OneDrive's own limit for one file (250 GB). */
const MAX_FILE_BYTES = 250 * 1000 ** 3

function graph(tokens: AccessTokens | null, context: ProviderContext): GraphApi {
  if (!tokens) throw new AppError('needs_reauth')
  const { graphUrl } = oneDriveEndpoints(context.env)
  return new GraphApi(graphUrl, tokens, context.fetch, context.uploadFetch)
}

function api(credentials: Credentials, context: ProviderContext): GraphApi {
  return graph(credentials.tokens, context)
}

/** The user (User.Read) and their drive's quota, for the connection's card. */
async function accountOf(client: GraphApi): Promise<AccountInfo> {
  const me = await client.json<{
    id: string
    displayName?: string
    mail?: string | null
    userPrincipalName?: string
  }>('/me')
  const drive = await client.json<{ quota?: { used?: number; total?: number } }>('/me/drive')
  const email = me.mail ?? me.userPrincipalName ?? ''
  return {
    account: { id: me.id, name: me.displayName ?? email, email },
    space:
      drive.quota?.total === undefined
        ? null
        : { used: drive.quota.used ?? 0, allocated: drive.quota.total },
  }
}

/**
 * OneDrive through Microsoft Graph: a public client with PKCE, the app folder
 * (/me/drive/special/approot, "Apps/<app name>") with the default target inside it, upload
 * sessions resumable after a restart, verified by the hash Graph reports.
 */
export const oneDriveProvider: Provider = {
  id: 'onedrive',
  displayName: 'OneDrive',
  auth: 'oauth-pkce',
  // Microsoft shows no page with a code to paste for a desktop app: the two redirects it takes.
  redirects: ['scheme', 'loopback'],
  // Microsoft matches a loopback redirect of a public ("Mobile and desktop") client without its
  // port (RFC 8252 §7.3), so the OS picks a free one. The host is `localhost`, as the Entra
  // portal takes `http://localhost` for that platform as entered (an http 127.0.0.1 URI has to go
  // through the manifest); the receiver listens on 127.0.0.1 and ::1, where `localhost` may lead.
  anyLoopbackPort: true,
  loopbackHost: 'localhost',
  connectFields: [],
  maxFileBytes: MAX_FILE_BYTES,
  docsAnchor: 'onedrive',
  oauthDefaults(env) {
    const { loginUrl } = oneDriveEndpoints(env)
    return {
      // The `common` tenant: personal Microsoft accounts and work or school ones alike.
      authorizationUrl: `${loginUrl}/common/oauth2/v2.0/authorize`,
      authorizationUrlOptions: {},
      tokenUrl: `${loginUrl}/common/oauth2/v2.0/token`,
      scopes: ONEDRIVE_SCOPES,
      usesClientSecret: false,
      clientIdEnv: ['ONEDRIVE_CLIENT_ID'],
    }
  },
  isEnabled: clientIdRequired(
    'OneDrive',
    'OneDrive needs a client id: register an app in Microsoft Entra and enter its Application (client) ID as the Client ID (or set ONEDRIVE_CLIENT_ID).',
  ),
  oauthClient(context) {
    return pkceClientFrom(oneDriveProvider, context)
  },
  async connect(request, context) {
    return {
      ...(await accountOf(graph(request.tokens ?? null, context))),
      config: {},
      secret: null,
    }
  },
  uploader: (credentials, context) =>
    new OneDriveUploader(api(credentials, context), context.chunkSize, context.adaptiveChunks),
  account: (credentials, context) => accountOf(api(credentials, context)),
  async disconnect() {
    // Microsoft has no endpoint that revokes one app's refresh token (only all of a user's
    // sessions, which would sign them out everywhere): the tokens are forgotten, and the user
    // can remove the app at https://account.live.com/consent/Manage or myapps.microsoft.com.
  },
  list: (credentials, folder, context) => oneDriveFiles(api(credentials, context)).list(folder),
  download: (credentials, remotePath, target, context, options) =>
    oneDriveFiles(api(credentials, context)).download(remotePath, target, options),
  remove: (credentials, remotePath, context) =>
    oneDriveFiles(api(credentials, context)).remove(remotePath),
  localChecksum: async (algorithm, localPath) =>
    algorithm === QUICK_XOR ? quickXorHashOfFile(localPath) : null,
}
