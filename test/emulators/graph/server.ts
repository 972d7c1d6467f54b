import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DriveStore, type DriveItem, type DriveType } from './drive-store.ts'
import { commitSession, graphRoute, type GraphState } from './graph-routes.ts'
import { graphError, readBody, type Reply } from './http-reply.ts'
import { Identity } from './identity.ts'
import { UploadSessions } from './upload-sessions.ts'

const TIB = 1024 ** 4
const DAY_MS = 24 * 3600 * 1000

export interface GraphEmulatorOptions {
  clientId: string
  /** As registered under "Mobile and desktop applications"; loopback ones match at any port. */
  redirectUris: string[]
  /** personal: sha1Hash and sha256Hash; business: quickXorHash only. */
  driveType: DriveType
  /**
   * A personal drive's files report sha256Hash (default true). Graph's hashes resource gives
   * each hash "if available", and personal OneDrive reported sha1Hash before sha256Hash: false
   * gives such a drive, its files reporting sha1Hash only.
   */
  personalSha256: boolean
  appName: string
  quotaBytes: number
  accessTokenTtlMs: number
  sessionLifetimeMs: number
  /** Items per page of a children listing. */
  pageSize: number
}

export interface RequestRecord {
  method: string
  path: string
  status: number
  /** Body bytes received. */
  bytes: number
  range: string | undefined
  authorization: boolean
}

export interface Fault {
  /** Matched against the start of the request path ("/_upload/" for fragments). */
  pathPrefix: string
  status: 429 | 503
  retryAfterSeconds: number
}

export interface GraphEmulator {
  /** The one origin: identity platform, Graph (/v1.0), upload and download URLs. */
  url: string
  authorizeUrl: string
  tokenUrl: string
  identity: Identity
  drive: DriveStore
  sessions: UploadSessions
  requests: RequestRecord[]
  /** The file stored at this app-folder path ("/Fermentrack Backups/x.tar.xz"). */
  stored(path: string): DriveItem | undefined
  setQuotaBytes(bytes: number): void
  usedBytes(): number
  /** The next request to a path starting with `pathPrefix` is answered with `status`. */
  failNext(fault: Fault): void
  close(): Promise<void>
}

/**
 * A strict local emulator of what the app uses of the Microsoft identity platform (v2.0,
 * `common` tenant) and Microsoft Graph v1.0 (the app folder of the user's OneDrive), on one
 * origin, written from the documented protocol, errors included.
 */
export async function startGraphEmulator(
  options: Partial<GraphEmulatorOptions> & Pick<GraphEmulatorOptions, 'clientId' | 'redirectUris'>,
): Promise<GraphEmulator> {
  const settings: GraphEmulatorOptions = {
    driveType: 'business',
    personalSha256: true,
    appName: 'Fermentrack Backup Companion',
    quotaBytes: TIB,
    accessTokenTtlMs: 3600 * 1000,
    sessionLifetimeMs: DAY_MS,
    pageSize: 200,
    ...options,
  }
  const identity = new Identity(
    settings.clientId,
    settings.redirectUris,
    () => settings.accessTokenTtlMs,
  )
  const state: GraphState = {
    drive: new DriveStore(settings.appName, settings.driveType, settings.personalSha256),
    sessions: new UploadSessions(() => settings.sessionLifetimeMs, Date.now),
    quotaBytes: settings.quotaBytes,
    pageSize: settings.pageSize,
  }
  const requests: RequestRecord[] = []
  const faults: Fault[] = []

  async function route(req: IncomingMessage, url: URL, origin: string): Promise<Reply> {
    const path = url.pathname
    const fault = faults.findIndex((f) => path.startsWith(f.pathPrefix))
    if (fault !== -1) {
      const [{ status, retryAfterSeconds }] = faults.splice(fault, 1) as [Fault]
      await readBody(req)
      const code = status === 429 ? 'activityLimitReached' : 'serviceNotAvailable'
      return graphError(status, code, 'Please retry later.', {
        'retry-after': String(retryAfterSeconds),
      })
    }
    if (path === '/common/oauth2/v2.0/authorize' && req.method === 'GET')
      return identity.authorize(url)
    if (path === '/common/oauth2/v2.0/token' && req.method === 'POST') return identity.token(req)
    if (path.startsWith('/_upload/'))
      return state.sessions.handle(
        req,
        path.slice('/_upload/'.length),
        commitSession(state, origin),
      )
    if (path.startsWith('/_download/')) return download(req, url)
    if (path.startsWith('/v1.0/')) {
      const scopes = identity.scopesOf(req.headers.authorization, Date.now())
      if (!scopes) {
        await readBody(req)
        return graphError(
          401,
          'InvalidAuthenticationToken',
          'Access token has expired or is not yet valid.',
        )
      }
      return graphRoute(state, { req, url, origin, scopes })
    }
    await readBody(req)
    return graphError(404, 'itemNotFound', `No route for ${req.method} ${path}.`)
  }

  /** The pre-authenticated download URL: the whole file, or the Range asked for (206). */
  async function download(req: IncomingMessage, url: URL): Promise<Reply> {
    await readBody(req)
    const item = state.drive.byId(url.pathname.slice('/_download/'.length))
    if (!item || url.searchParams.get('tempauth') !== item.eTag)
      return graphError(404, 'itemNotFound', 'The download URL has expired or the item is gone.')
    const range = req.headers.range
    if (range === undefined)
      return {
        status: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: item.bytes,
      }
    const match = /^bytes=(\d+)-(\d*)$/.exec(range)
    const size = item.bytes.length
    const start = match ? Number(match[1]) : NaN
    const end = match?.[2] ? Math.min(Number(match[2]), size - 1) : size - 1
    if (!(start < size) || end < start)
      return { status: 416, headers: { 'content-range': `bytes */${size}` }, body: '' }
    return {
      status: 206,
      headers: {
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-type': 'application/octet-stream',
      },
      body: item.bytes.subarray(start, end + 1),
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const record: RequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      status: 0,
      bytes: 0,
      range: req.headers.range,
      authorization: req.headers.authorization !== undefined,
    }
    requests.push(record)
    readBody(req).then(
      (body) => (record.bytes = body.length),
      () => {},
    )
    route(req, url, `http://${req.headers.host}`).then(
      (reply) => send(res, record, reply),
      (error: unknown) => send(res, record, graphError(500, 'generalException', String(error))),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: origin,
    authorizeUrl: `${origin}/common/oauth2/v2.0/authorize`,
    tokenUrl: `${origin}/common/oauth2/v2.0/token`,
    identity,
    drive: state.drive,
    sessions: state.sessions,
    requests,
    stored: (path) => {
      const item = state.drive.get(path)
      return item && !item.isFolder ? item : undefined
    },
    setQuotaBytes: (bytes) => (state.quotaBytes = bytes),
    usedBytes: () => state.drive.usedBytes(),
    failNext: (fault) => faults.push(fault),
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

function send(res: ServerResponse, record: RequestRecord, reply: Reply): void {
  record.status = reply.status
  if (res.destroyed) return
  const body = reply.body ?? ''
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}
