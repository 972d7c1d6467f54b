import { AppError } from '../../../shared/app-error.ts'
import type { FetchFn } from '../../net/fetch-with-retry.ts'
import type { Credentials, Provider, ProviderContext } from '../provider.ts'
import { checkFolder, loginFromFields, loginOf } from './webdav-connect.ts'
import { WebdavClient } from './webdav-client.ts'
import { webdavFiles } from './webdav-files.ts'
import { WebdavUploader } from './webdav-uploader.ts'

/**
 * A client whose 401s mark the connection rejected (it then waits for a reconnect): every request
 * after connect goes through it.
 */
function client(credentials: Credentials, context: ProviderContext): WebdavClient {
  const login = loginOf(credentials)
  const watched =
    (fetchFn: FetchFn): FetchFn =>
    async (input, init) => {
      const response = await fetchFn(input, init)
      if (response.status === 401) await credentials.rejected()
      return response
    }
  return new WebdavClient(
    login,
    watched(context.fetch),
    watched(context.uploadFetch ?? context.fetch),
  )
}

/** Any WebDAV server (a NAS, Apache, rclone serve webdav …): a folder URL, user and password. */
export const webdavProvider: Provider = {
  id: 'webdav',
  displayName: 'WebDAV',
  auth: 'password',
  connectFields: [
    {
      name: 'url',
      label: 'Folder URL',
      kind: 'url',
      required: true,
      hint: 'The WebDAV folder backups go under, e.g. https://nas.example/dav/backups/',
    },
    { name: 'username', label: 'User name', kind: 'text', required: true },
    {
      name: 'password',
      label: 'Password',
      kind: 'secret',
      required: true,
      hint: 'An app password where the server offers them',
    },
  ],
  // The server's own limit applies; it answers 413, reported as file_too_large.
  maxFileBytes: Number.MAX_SAFE_INTEGER,
  docsAnchor: 'webdav',
  isEnabled: (settings) =>
    settings.enabled
      ? { enabled: true }
      : { enabled: false, reason: 'WebDAV is switched off in its settings.' },
  async connect(request, context) {
    const login = loginFromFields(request.fields)
    const host = new URL(login.url).host
    const info = await checkFolder(
      login,
      context.fetch,
      async () =>
        new AppError(
          'invalid_credentials',
          `The WebDAV server at ${host} refused the user name or password.`,
        ),
      request.signal,
    )
    return {
      ...info,
      config: { url: login.url, username: login.username },
      secret: { password: login.password },
    }
  },
  uploader: (credentials, context) => new WebdavUploader(client(credentials, context)),
  account: (credentials, context) =>
    checkFolder(loginOf(credentials), context.fetch, async () => {
      await credentials.rejected()
      return new AppError('needs_reauth', 'The WebDAV server refused the stored password.')
    }),
  async disconnect() {
    // Nothing to revoke: a WebDAV password is the user's own; removing it from here is all.
  },
  list: (credentials, folder, context) => webdavFiles(client(credentials, context)).list(folder),
  download: (credentials, remotePath, target, context, options) =>
    webdavFiles(client(credentials, context)).download(remotePath, target, options),
  remove: (credentials, remotePath, context) =>
    webdavFiles(client(credentials, context)).remove(remotePath),
}
