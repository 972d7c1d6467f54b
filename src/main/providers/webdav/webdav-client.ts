import { Readable } from 'node:stream'
import type { FetchFn } from '../../net/fetch-with-retry.ts'
import { parseMultistatus, type DavResource } from './multistatus.ts'
import { statusError, transportError } from './webdav-errors.ts'
import { folderUrl, urlOf } from './webdav-paths.ts'

export interface WebdavLogin {
  url: string
  username: string
  password: string
}

export interface RequestOptions {
  headers?: Record<string, string>
  /** A Node stream (a file being read) goes through the upload fetch. */
  body?: RequestInit['body'] | Readable
  signal?: AbortSignal
  isFolder?: boolean
}

const XML = 'application/xml; charset=utf-8'

/** PROPFIND bodies (RFC 4918 §9.1). See multistatus.ts for why each asks for what it asks. */
export const PROPFIND_ALL =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>'
export const PROPFIND_QUOTA =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>' +
  '<d:quota-available-bytes/><d:quota-used-bytes/></d:prop></d:propfind>'
// ownCloud's and Nextcloud's property for the checksum sent with OC-Checksum.
export const PROPFIND_CHECKSUMS =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">' +
  '<d:prop><oc:checksums/></d:prop></d:propfind>'

/**
 * A thin WebDAV client over fetch, rather than the `webdav` package's client: uploads need each
 * status as it is (409/404 for a missing parent, 412 on a taken name, 507, 423), our own headers
 * (OC-Checksum, Overwrite: F, Range), a streamed body with a known length, and the engine's fetch
 * and AbortSignal; the package hides statuses behind its own errors. Only its XML parser is used.
 */
export class WebdavClient {
  readonly base: string
  private readonly authorization: string
  private readonly fetchFn: FetchFn
  /** For PUT bodies streamed from the file (see ProviderContext.uploadFetch). */
  private readonly uploadFn: FetchFn

  constructor(login: WebdavLogin, fetchFn: FetchFn, uploadFn: FetchFn = fetchFn) {
    this.base = folderUrl(login.url)
    // RFC 7617: user-id ":" password, UTF-8, base64.
    const pair = Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64')
    this.authorization = `Basic ${pair}`
    this.fetchFn = fetchFn
    this.uploadFn = uploadFn
  }

  url(remotePath: string, isFolder = false): string {
    return urlOf(this.base, remotePath, isFolder)
  }

  /** Sends one request; a request that gets no answer is a `network` error. */
  async send(method: string, remotePath: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(remotePath, options.isFolder)
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: { authorization: this.authorization, ...options.headers },
      body: options.body,
      signal: options.signal,
      redirect: 'manual',
    }
    const streamed = options.body instanceof Readable
    if (streamed || options.body instanceof ReadableStream) init.duplex = 'half'
    try {
      return await (streamed ? this.uploadFn : this.fetchFn)(url, init)
    } catch (error) {
      throw transportError(url, error, options.signal)
    }
  }

  /**
   * PROPFIND with `depth`; undefined for 404. Any other answer but 207 is an error, with 401 as
   * `needs_reauth` (the connect check maps it to invalid_credentials itself).
   */
  async propfind(
    remotePath: string,
    depth: 0 | 1,
    body: string,
    options: RequestOptions = {},
  ): Promise<DavResource[] | undefined> {
    const response = await this.send('PROPFIND', remotePath, {
      ...options,
      headers: { depth: String(depth), 'content-type': XML },
      body,
    })
    if (response.status === 404) {
      await response.body?.cancel()
      return undefined
    }
    if (response.status !== 207) {
      await response.body?.cancel()
      throw statusError(response, `PROPFIND ${remotePath}`)
    }
    return parseMultistatus(this.base, await response.text())
  }

  /** The resource itself (Depth 0), or undefined when nothing is there. */
  async stat(remotePath: string, signal?: AbortSignal): Promise<DavResource | undefined> {
    const found = await this.propfind(remotePath, 0, PROPFIND_ALL, { signal })
    return found?.[0]
  }

  /** Sends a request whose answer carries nothing we read: success or the mapped error. */
  async expect(
    method: string,
    remotePath: string,
    ok: readonly number[],
    options: RequestOptions = {},
  ): Promise<number> {
    const response = await this.send(method, remotePath, options)
    await response.body?.cancel()
    if (!ok.includes(response.status)) throw statusError(response, `${method} ${remotePath}`)
    return response.status
  }

  /** The Destination header of MOVE (RFC 4918 §10.3): an absolute URL. */
  destination(remotePath: string): string {
    return this.url(remotePath)
  }
}
