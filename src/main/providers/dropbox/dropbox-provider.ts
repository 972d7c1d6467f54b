import { AppError } from '../../../shared/app-error.ts'
import { clientIdRequired, pkceClientFrom } from '../oauth-settings.ts'
import type { Credentials, Provider, ProviderContext } from '../provider.ts'
import { hashFile } from './content-hash.ts'
import { DropboxApi } from './dropbox-api.ts'
import { DROPBOX_SCOPES, dropboxEndpoints } from './dropbox-config.ts'
import { DropboxUploader } from './dropbox-uploader.ts'
import { dropboxFiles } from './dropbox-files.ts'
import { MAX_FILE_BYTES } from './upload-limits.ts'

const AUTHORIZE_URL = 'https://www.dropbox.com/oauth2/authorize'

function api(credentials: Credentials, context: ProviderContext): DropboxApi {
  if (!credentials.tokens) throw new AppError('needs_reauth')
  const { env, fetch, uploadFetch } = context
  // Uploads through uploadFetch: node:http, with no copy of each chunk, and under the bandwidth cap.
  return new DropboxApi(dropboxEndpoints(env), credentials.tokens, fetch, uploadFetch)
}

/** Dropbox: OAuth with PKCE into an App folder; uploads verified by content_hash. */
export const dropboxProvider: Provider = {
  id: 'dropbox',
  displayName: 'Dropbox',
  auth: 'oauth-pkce',
  connectFields: [],
  maxFileBytes: MAX_FILE_BYTES,
  docsAnchor: 'dropbox',
  oauthDefaults(env) {
    const endpoints = dropboxEndpoints(env)
    return {
      // FTB_DROPBOX_* point the defaults at the test emulator; the settings still win.
      authorizationUrl: env.FTB_DROPBOX_AUTH_URL ? endpoints.authorizeUrl : AUTHORIZE_URL,
      // offline: without it there is no refresh token and the connection dies after ~4 hours.
      authorizationUrlOptions: { token_access_type: 'offline' },
      tokenUrl: `${endpoints.apiUrl}/oauth2/token`,
      scopes: DROPBOX_SCOPES,
      usesClientSecret: false,
      // DROPBOX_APP_KEY is Fermentrack's own name for it, so one variable serves both.
      clientIdEnv: ['DROPBOX_APP_KEY'],
    }
  },
  isEnabled: clientIdRequired(
    'Dropbox',
    'Dropbox needs an app key: enter your Dropbox app key as the Client ID (or set DROPBOX_APP_KEY).',
  ),
  oauthClient(context) {
    return pkceClientFrom(dropboxProvider, context)
  },
  async connect(request, context) {
    if (!request.tokens) throw new AppError('needs_reauth')
    const client = new DropboxApi(dropboxEndpoints(context.env), request.tokens, context.fetch)
    return {
      account: await client.currentAccount(),
      space: await client.spaceUsage(),
      config: {},
      secret: null,
    }
  },
  uploader(credentials, context) {
    return new DropboxUploader({
      api: api(credentials, context),
      chunkSize: context.chunkSize,
      parallelChunks: context.parallelChunks,
      adaptiveChunks: context.adaptiveChunks,
    })
  },
  async account(credentials, context) {
    const client = api(credentials, context)
    return { account: await client.currentAccount(), space: await client.spaceUsage() }
  },
  async disconnect(credentials, context) {
    await api(credentials, context).revoke()
  },
  list: (credentials, folder, context) => dropboxFiles(api(credentials, context)).list(folder),
  download: (credentials, remotePath, target, context, options) =>
    dropboxFiles(api(credentials, context)).download(remotePath, target, options),
  remove: (credentials, remotePath, context) =>
    dropboxFiles(api(credentials, context)).remove(remotePath),
  downloadCheck: "Dropbox's content hash, checked on download",
  localChecksum: async (algorithm, localPath) =>
    algorithm === 'dropbox-content-hash' ? hashFile(localPath) : null,
}
