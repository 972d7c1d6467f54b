import { AppError } from '../../../shared/app-error.ts'
import { isSafeUrl } from '../../../shared/provider-settings.ts'
import type { FetchFn } from '../../net/fetch-with-retry.ts'
import type { AccountInfo, Credentials, SpaceUsage } from '../provider.ts'
import { parseMultistatus } from './multistatus.ts'
import { PROPFIND_ALL, PROPFIND_QUOTA, WebdavClient, type WebdavLogin } from './webdav-client.ts'
import { statusError } from './webdav-errors.ts'
import { folderUrl } from './webdav-paths.ts'

/** The login the user typed, checked for shape before anything is sent. */
export function loginFromFields(fields: Record<string, string | boolean>): WebdavLogin {
  const url = String(fields.url ?? '').trim()
  const username = String(fields.username ?? '')
  const password = String(fields.password ?? '')
  // Checked first, and the URL not repeated: it would carry the password into the message.
  if (URL.parse(url)?.username || URL.parse(url)?.password)
    throw new AppError(
      'invalid_setting',
      'The WebDAV URL has a user name or password in it: give them in their own fields instead.',
    )
  if (!isSafeUrl(url))
    throw new AppError(
      'invalid_setting',
      `The WebDAV URL "${url}" must be an https address (plain http only on 127.0.0.1 or localhost).`,
    )
  if (username === '') throw new AppError('invalid_setting', 'The WebDAV user name is empty.')
  if (password === '') throw new AppError('invalid_setting', 'The WebDAV password is empty.')
  return { url: folderUrl(url), username, password }
}

/** The login kept for a connection: URL and user in its config, the password as its secret. */
export function loginOf(credentials: Credentials): WebdavLogin {
  const { url, username } = credentials.config
  const password = credentials.secret?.password
  if (typeof url !== 'string' || typeof username !== 'string' || !password)
    throw new AppError('needs_reauth', 'The WebDAV connection has no stored password.')
  return { url, username, password }
}

/**
 * PROPFIND Depth 0 on the folder URL: a WebDAV folder answers 207 with itself as a collection.
 * 401 means the server refused the login: `refused` says what that means to the caller (a
 * wrong password while connecting, a changed one later). Then its quota (RFC 4331), if offered.
 */
export async function checkFolder(
  login: WebdavLogin,
  fetchFn: FetchFn,
  refused: () => Promise<AppError>,
  signal?: AbortSignal,
): Promise<AccountInfo> {
  const client = new WebdavClient(login, fetchFn)
  const response = await client.send('PROPFIND', '/', {
    headers: { depth: '0', 'content-type': 'application/xml; charset=utf-8' },
    body: PROPFIND_ALL,
    signal,
    isFolder: true,
  })
  if (response.status === 401) {
    await response.body?.cancel()
    throw await refused()
  }
  const body = await response.text()
  const folder =
    response.status === 207
      ? (await parseMultistatus(login.url, body).catch(() => []))[0]
      : undefined
  if (!folder) throw notDav(login.url, response)
  if (!folder.isFolder)
    throw new AppError('connection_test_failed', `${login.url} is a file, not a WebDAV folder.`)
  const withQuota = await client.propfind('/', 0, PROPFIND_QUOTA, { signal, isFolder: true })
  const host = new URL(login.url).host
  return {
    account: { id: `${login.username}@${login.url}`, name: `${login.username}@${host}`, email: '' },
    space: quota(withQuota?.[0]?.props ?? {}),
  }
}

function notDav(url: string, response: Response): AppError {
  if (response.status === 207 || response.status === 404 || response.status < 400)
    return new AppError(
      'connection_test_failed',
      `${url} answered PROPFIND with ${response.status}, not as a WebDAV folder.`,
    )
  const mapped = statusError(response, `PROPFIND ${url}`)
  return mapped.code === 'provider_error'
    ? new AppError('connection_test_failed', `${url} answered PROPFIND with ${response.status}.`)
    : mapped
}

/** RFC 4331 quota properties, where the server offers both. */
function quota(props: Record<string, unknown>): SpaceUsage | null {
  const available = Number(props['quota-available-bytes'])
  const used = Number(props['quota-used-bytes'])
  if (!Number.isFinite(available) || !Number.isFinite(used) || available < 0 || used < 0)
    return null
  if (props['quota-available-bytes'] === '' || props['quota-used-bytes'] === '') return null
  return { used, allocated: used + available }
}
