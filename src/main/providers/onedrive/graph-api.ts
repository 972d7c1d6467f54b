import { AppError } from '../../../shared/app-error.ts'
import { askedWait, fullJitter } from '../../net/jitter.ts'
import { cannotReach, sleep, type FetchFn } from '../../net/fetch-with-retry.ts'
import type { AccessTokens } from '../provider.ts'
import { failureToError, readFailure } from './graph-errors.ts'

/** Tries of one request that Graph answers 429 or 5xx (507 excepted: no wait makes room). */
const ATTEMPTS = 4
/** Longer waits go back to the queue as rate_limited, which holds the job that long. */
const MAX_WAIT_MS = 60_000
const RETRIED = new Set([429, 500, 502, 503, 504])

export interface GraphRequest {
  method?: string
  /** Sent as JSON. */
  json?: unknown
  /** Raw bytes (file content), sent as application/octet-stream. */
  body?: Uint8Array
  headers?: Record<string, string>
  /** Statuses returned to the caller instead of thrown (404 for "not there", 409 …). */
  accept?: number[]
  signal?: AbortSignal
  /** A redirect is handed back (download URLs), not followed with the token. */
  manualRedirect?: boolean
}

/**
 * Requests to Graph with the connection's bearer token: an expired token is renewed once and
 * the request replayed; a refused renewal means the sign-in is gone (needs_reauth). 429 and 5xx
 * are retried after Retry-After (or a jittered backoff). Pre-authenticated URLs (uploadUrl,
 * download URLs) go through `unauthenticated`, which never carries the token.
 */
export class GraphApi {
  readonly graphUrl: string
  private readonly tokens: AccessTokens
  private readonly fetchFn: FetchFn
  /** For file bytes: node:http in the app, sent without fetch's copies. */
  private readonly uploadFn: FetchFn

  constructor(
    graphUrl: string,
    tokens: AccessTokens,
    fetchFn: FetchFn,
    uploadFn: FetchFn = fetchFn,
  ) {
    this.graphUrl = graphUrl
    this.tokens = tokens
    this.fetchFn = fetchFn
    this.uploadFn = uploadFn
  }

  /** `path` beneath /v1.0, or a nextLink Graph gave (checked to be Graph's own origin). */
  async call(path: string, request: GraphRequest = {}): Promise<Response> {
    const url = path.startsWith('/') ? `${this.graphUrl}/v1.0${path}` : this.ownUrl(path)
    let token = await this.tokens.accessToken()
    for (let replayed = false; ; replayed = true) {
      const response = await this.send(url, request, { authorization: `Bearer ${token}` })
      if (response.status !== 401) return this.checked(response, request, path)
      await response.body?.cancel()
      if (replayed) {
        await this.tokens.markRevoked(token)
        throw new AppError('needs_reauth', 'OneDrive refused the renewed sign-in.')
      }
      token = await this.tokens.renewAfterRejection(token)
    }
  }

  async json<T>(path: string, request: GraphRequest = {}): Promise<T> {
    const response = await this.call(path, request)
    return (await response.json()) as T
  }

  /** A pre-authenticated URL (uploadUrl, a download URL): the token must never go there. */
  async unauthenticated(url: string, request: GraphRequest = {}): Promise<Response> {
    return this.checked(await this.send(url, request, {}), request, 'the upload session')
  }

  private async checked(
    response: Response,
    request: GraphRequest,
    what: string,
  ): Promise<Response> {
    if (response.ok || request.accept?.includes(response.status)) return response
    if (request.manualRedirect && response.status >= 300 && response.status < 400) return response
    throw failureToError(await readFailure(response), what)
  }

  private async send(
    url: string,
    request: GraphRequest,
    auth: Record<string, string>,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...auth, ...request.headers }
    let body: string | Uint8Array | undefined = request.body
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(request.json)
    } else if (body !== undefined) headers['content-type'] ??= 'application/octet-stream'
    const init: RequestInit = {
      method: request.method ?? 'GET',
      headers,
      body,
      signal: request.signal,
      redirect: request.manualRedirect ? 'manual' : 'follow',
    }
    const fetchFn = request.body ? this.uploadFn : this.fetchFn
    for (let attempt = 1; ; attempt++) {
      let response: Response
      try {
        response = await fetchFn(url, init)
      } catch (error) {
        if (request.signal?.aborted) throw error
        throw cannotReach(url, error)
      }
      if (!RETRIED.has(response.status) || attempt >= ATTEMPTS) return response
      const failure = await readFailure(response.clone())
      const wait = failure.retryAfterMs
        ? askedWait(failure.retryAfterMs)
        : fullJitter(Math.min(30_000, 500 * 2 ** attempt))
      if (wait > MAX_WAIT_MS) return response
      await response.body?.cancel()
      request.signal?.throwIfAborted()
      await sleep(wait)
    }
  }

  /** Graph's nextLinks are absolute: the token goes only to Graph's own origin. */
  private ownUrl(link: string): string {
    if (new URL(link).origin !== new URL(this.graphUrl).origin)
      throw new AppError('provider_error', `OneDrive gave a link outside ${this.graphUrl}.`)
    return link
  }
}

/** The Graph path of an item in the app folder: "/Fermentrack Backups/x" → approot:/…: */
export function itemPath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  if (trimmed === '') return '/me/drive/special/approot'
  return `/me/drive/special/approot:/${trimmed.split('/').map(encodeURIComponent).join('/')}:`
}
