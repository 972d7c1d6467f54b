import { AppError } from '../../../shared/app-error.ts'
import { fetchWithRetry, type FetchFn } from '../../net/fetch-with-retry.ts'
import { PROPFIND_BODY, parseMultistatus, type DavEntry } from './multistatus.ts'
import { nextcloudError } from './nextcloud-errors.ts'

/** Where a connection's files are, and the app password that opens them. */
export interface NextcloudAccess {
  /** The server's base URL, as Login Flow v2 returned it, without a trailing slash. */
  server: string
  /** The user id from OCS: it names the DAV paths, and may differ from the login name. */
  userId: string
  loginName: string
  appPassword: string
}

export interface SendOptions {
  headers?: Record<string, string>
  /** Always a Buffer (a chunk, a small file): so a request can be sent again after a failure. */
  body?: Buffer | string
  /** The body is file bytes: it goes through uploadFetch, under the app's bandwidth cap. */
  fileBytes?: boolean
  /** Statuses the caller handles itself; anything else becomes an AppError. */
  ok: number[]
  /** The step, for the error message: "uploading a.tar.xz". */
  what: string
  signal?: AbortSignal
}

/** Segments percent-encoded, slashes kept: "/a b/c" → "/a%20b/c". */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/**
 * A thin client for the few Nextcloud routes we use (OCS and WebDAV, Basic auth with the app
 * password). Written over fetch rather than with the npm `webdav` client because chunked upload
 * v2 needs its Destination header on MKCOL, PUT and PROPFIND alike, and the app's fetch seam and
 * error mapping apply to every request; only `webdav`'s XML parser is used.
 */
export class NextcloudClient {
  readonly access: NextcloudAccess
  private readonly fetchFn: FetchFn
  private readonly uploadFn: FetchFn
  private readonly onRejected: () => Promise<void>

  /** `uploadFetch` (ProviderContext.uploadFetch) carries file bytes only; absent: `fetchFn`. */
  constructor(
    access: NextcloudAccess,
    fetchFn: FetchFn,
    onRejected: () => Promise<void>,
    uploadFetch?: FetchFn,
  ) {
    this.access = access
    this.fetchFn = fetchFn
    this.uploadFn = uploadFetch ?? fetchFn
    this.onRejected = onRejected
  }

  /** The URL of a path in the user's files ("/Fermentrack Backups/a.tar.xz"). */
  filesUrl(path: string): string {
    return `${this.filesRoot()}${encodePath(path)}`
  }

  filesRoot(): string {
    return `${this.access.server}/remote.php/dav/files/${encodeURIComponent(this.access.userId)}`
  }

  /** A chunked upload's folder, or an item in it (a chunk number, ".file"). */
  uploadUrl(id: string, item?: string): string {
    const folder = `${this.access.server}/remote.php/dav/uploads/${encodeURIComponent(this.access.userId)}/${encodeURIComponent(id)}`
    return item === undefined ? folder : `${folder}/${item}`
  }

  async send(method: string, url: string, options: SendOptions): Promise<Response> {
    const { access } = this
    const authorization = `Basic ${Buffer.from(`${access.loginName}:${access.appPassword}`).toString('base64')}`
    // Every body is in memory, so 5xx and lost answers can be retried; a MOVE whose answer was
    // lost comes back 404 and the caller looks at the destination instead.
    const response = await fetchWithRetry(
      options.fileBytes ? this.uploadFn : this.fetchFn,
      url,
      {
        method,
        headers: { authorization, ...options.headers },
        body: options.body,
        signal: options.signal,
      },
      { attempts: 4, retryNetworkErrors: true },
    )
    if (response.status === 401) {
      await response.body?.cancel()
      await this.onRejected()
      throw new AppError(
        'needs_reauth',
        'Nextcloud no longer accepts the app password (it was revoked or the account changed).',
      )
    }
    if (!options.ok.includes(response.status)) {
      throw nextcloudError(response, await response.text().catch(() => ''), options.what)
    }
    return response
  }

  /** PROPFIND with our props; undefined when the resource does not exist (404). */
  async propfind(
    url: string,
    depth: 0 | 1,
    what: string,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<DavEntry[] | undefined> {
    const response = await this.send('PROPFIND', url, {
      headers: {
        depth: String(depth),
        'content-type': 'application/xml; charset=utf-8',
        ...headers,
      },
      body: PROPFIND_BODY,
      ok: [207, 404],
      what,
      signal,
    })
    const text = await response.text()
    if (response.status === 404) return undefined
    return parseMultistatus(text)
  }

  /** An OCS call: Nextcloud refuses Basic-auth OCS calls without OCS-APIRequest (CSRF check). */
  ocs(method: string, path: string, what: string): Promise<Response> {
    return this.send(method, `${this.access.server}${path}`, {
      headers: { 'ocs-apirequest': 'true', accept: 'application/json' },
      ok: [200],
      what,
    })
  }
}
