import { AppError } from '../../../shared/app-error.ts'
import type { Credentials, Provider, ProviderContext } from '../provider.ts'
import { accountInfo, accountSummary, ocsUser, space } from './nextcloud-account.ts'
import { NextcloudClient, type NextcloudAccess } from './nextcloud-client.ts'
import { downloadFile, listFolder, removeFile } from './nextcloud-files.ts'
import { NextcloudUploader } from './nextcloud-uploader.ts'
import { loginFlow, serverBase } from './login-flow.ts'
import { chunkedThreshold, MAX_FILE_BYTES } from './upload-limits.ts'

/** The connection's server and app password; anything missing means it must be connected again. */
function access(credentials: Credentials): NextcloudAccess {
  const { url, userId, loginName } = credentials.config
  const appPassword = credentials.secret?.appPassword
  if (
    typeof url !== 'string' ||
    typeof userId !== 'string' ||
    typeof loginName !== 'string' ||
    !appPassword
  )
    throw new AppError('needs_reauth', 'This Nextcloud connection has no app password stored.')
  return { server: url, userId, loginName, appPassword }
}

/** File bytes go through uploadFetch (node:http in the app, under the bandwidth cap). */
function client(credentials: Credentials, context: ProviderContext): NextcloudClient {
  return new NextcloudClient(
    access(credentials),
    context.fetch,
    () => credentials.rejected(),
    context.uploadFetch,
  )
}

/** Nextcloud: Login Flow v2 gives an app password; WebDAV with chunked upload v2 and OC-Checksum. */
export const nextcloudProvider: Provider = {
  id: 'nextcloud',
  displayName: 'Nextcloud',
  auth: 'login-flow',
  connectFields: [
    {
      name: 'url',
      label: 'Server URL',
      kind: 'url',
      required: true,
      hint: 'The address you open Nextcloud at, such as https://cloud.example.com',
    },
  ],
  maxFileBytes: MAX_FILE_BYTES,
  docsAnchor: 'nextcloud',
  isEnabled: (settings) =>
    settings.enabled
      ? { enabled: true }
      : { enabled: false, reason: 'Nextcloud is switched off in its settings.' },
  async connect(request, context) {
    const grant = await loginFlow(String(request.fields.url ?? ''), {
      fetch: context.fetch,
      now: context.now,
      onLoginUrl: request.onLoginUrl,
      signal: request.signal,
    })
    const server = serverBase(grant.server)
    const signedIn = {
      server,
      userId: '',
      loginName: grant.loginName,
      appPassword: grant.appPassword,
    }
    const user = await ocsUser(new NextcloudClient(signedIn, context.fetch, async () => {}))
    const files = new NextcloudClient(
      { ...signedIn, userId: user.id },
      context.fetch,
      async () => {},
    )
    return {
      account: accountSummary(server, user),
      space: await space(files),
      config: { url: server, userId: user.id, loginName: grant.loginName },
      secret: { loginName: grant.loginName, appPassword: grant.appPassword },
    }
  },
  uploader: (credentials, context) =>
    new NextcloudUploader(client(credentials, context), {
      threshold: chunkedThreshold(context.env),
      chunkSize: context.chunkSize,
    }),
  account: (credentials, context) => accountInfo(client(credentials, context)),
  async disconnect(credentials, context) {
    // The app password is deleted at the server: it stops working for anyone who copied it.
    await client(credentials, context).ocs(
      'DELETE',
      '/ocs/v2.php/core/apppassword',
      'deleting the app password',
    )
  },
  list: (credentials, folder, context) => listFolder(client(credentials, context), folder),
  download: (credentials, remotePath, target, context, options) =>
    downloadFile(client(credentials, context), remotePath, target, options),
  remove: (credentials, remotePath, context) =>
    removeFile(client(credentials, context), remotePath),
}
