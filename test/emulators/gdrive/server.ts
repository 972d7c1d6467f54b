import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { driveRoute, type Account } from './drive-routes.ts'
import { DriveStore, FOLDER_MIME, type DriveFile } from './drive-store.ts'
import { driveError, unauthenticated, type Reply } from './google-error.ts'
import { DRIVE_FILE_SCOPE, GoogleOAuth, type OAuthClient } from './oauth.ts'
import { Uploads } from './uploads.ts'

export interface GdriveEmulatorOptions {
  clients: OAuthClient[]
  account?: Account
  quotaBytes?: number
}

/** One request as the emulator saw it: tests assert resume and Range from these. */
export interface RequestRecord {
  method: string
  path: string
  query: string
  range: string | undefined
  contentRange: string | undefined
  /** Body bytes received. */
  bytes: number
  status: number
}

/** A refusal queued for the next matching requests (rate limits, server errors). */
export type Fault = 'rate_limit_429' | 'user_rate_limit_403' | 'server_error_503'

export interface GdriveEmulator {
  url: string
  authorizeUrl: string
  tokenUrl: string
  revokeUrl: string
  requests: RequestRecord[]
  oauth: GoogleOAuth
  store: DriveStore
  uploads: Uploads
  /** The file at "/Folder/name", read from the emulator's own storage. */
  fileAt(path: string): DriveFile | undefined
  /** A file made by another app (another client id): drive.file must hide it from ours. */
  addForeignFile(name: string, content: Buffer, parentId?: string): DriveFile
  /**
   * A file already in the folder, made by `client` (so drive.file shows it to that client) and
   * reporting only md5Checksum, as a file stored before Drive computed SHA checksums may.
   */
  addMd5OnlyFile(name: string, content: Buffer, parentId: string, client: string): DriveFile
  /** The next `count` requests whose path starts with `pathPrefix` are refused with `fault`. */
  failNext(fault: Fault, pathPrefix: string, count?: number): void
  /** Body bytes received on the upload routes so far. */
  uploadBytes(): number
  close(): Promise<void>
}

const GIB = 1024 ** 3
const DEFAULT_ACCOUNT: Account = {
  displayName: 'Brewer Example',
  emailAddress: 'brewer@example.com',
}
const API_PREFIXES = ['/drive/v3/', '/upload/drive/v3/']

function faultReply(fault: Fault): Reply {
  if (fault === 'rate_limit_429')
    return {
      ...driveError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits'),
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
    }
  if (fault === 'user_rate_limit_403')
    return driveError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded', 'usageLimits')
  return driveError(503, 'backendError', 'Backend Error')
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/**
 * A strict emulator of what this app uses of Google: OAuth for installed apps (PKCE, secret for
 * Desktop clients, refresh, revoke) and Drive v3 with drive.file isolation, on one origin.
 */
export async function startGdriveEmulator(options: GdriveEmulatorOptions): Promise<GdriveEmulator> {
  const oauth = new GoogleOAuth(options.clients)
  const store = new DriveStore(options.quotaBytes ?? 15 * GIB)
  const uploads = new Uploads(store)
  const account = options.account ?? DEFAULT_ACCOUNT
  const requests: RequestRecord[] = []
  const faults: Array<{ fault: Fault; prefix: string }> = []

  async function answer(req: IncomingMessage, url: URL, body: Buffer): Promise<Reply> {
    const { pathname: path } = url
    const form = () => new URLSearchParams(body.toString('utf8'))
    if (path === '/o/oauth2/v2/auth' && req.method === 'GET')
      return oauth.authorize(url.searchParams)
    if (path === '/token' && req.method === 'POST')
      return oauth.token(form(), req.headers.authorization)
    if (path === '/revoke' && req.method === 'POST') {
      const params = form()
      if (!params.has('token') && url.searchParams.has('token'))
        params.set('token', url.searchParams.get('token')!)
      return oauth.revoke(params)
    }
    if (!API_PREFIXES.some((p) => path.startsWith(p)))
      return driveError(404, 'notFound', 'Not Found')
    const faultAt = faults.findIndex((f) => path.startsWith(f.prefix))
    if (faultAt >= 0) return faultReply(faults.splice(faultAt, 1)[0]!.fault)
    // The session URI carries its own authority; with a token, the token must be the session's.
    const isSessionPut = req.method === 'PUT' && url.searchParams.has('upload_id')
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1]
    const grant = bearer ? oauth.grantFor(bearer) : undefined
    if (!grant && !(isSessionPut && !bearer)) return unauthenticated()
    if (grant && !grant.scopes.some((s) => s === DRIVE_FILE_SCOPE || s.endsWith('/auth/drive')))
      return driveError(
        403,
        'insufficientPermissions',
        'Request had insufficient authentication scopes.',
      )
    const client = grant?.clientId ?? uploads.ownerOf(url.searchParams.get('upload_id') ?? '') ?? ''
    return driveRoute(
      {
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        client,
        origin: `http://${req.headers.host}`,
      },
      store,
      uploads,
      account,
    )
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const body = await readBody(req)
    const record: RequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.search,
      range: req.headers.range,
      contentRange: req.headers['content-range'],
      bytes: body.length,
      status: 0,
    }
    requests.push(record)
    let reply: Reply
    try {
      reply = await answer(req, url, body)
    } catch (error) {
      reply = driveError(500, 'internalError', `Emulator error: ${String(error)}`)
    }
    record.status = reply.status
    const payload =
      typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0))
    res.writeHead(reply.status, { ...reply.headers, 'content-length': String(payload.length) })
    res.end(payload)
  }

  // A client that went away mid-request (killed, say) leaves no one to answer: drop the socket.
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    authorizeUrl: `${url}/o/oauth2/v2/auth`,
    tokenUrl: `${url}/token`,
    revokeUrl: `${url}/revoke`,
    requests,
    oauth,
    store,
    uploads,
    fileAt: (path) => store.at(path),
    addForeignFile: (name, content, parentId = store.rootId) =>
      store.create(
        {
          name,
          mimeType: content.length ? 'application/x-xz' : FOLDER_MIME,
          parents: [parentId],
          appProperties: {},
        },
        'another-client',
        content,
      ),
    addMd5OnlyFile(name, content, parentId, client) {
      const file = store.create(
        { name, mimeType: 'application/x-xz', parents: [parentId], appProperties: {} },
        client,
        content,
      )
      file.md5Only = true
      return file
    },
    failNext(fault, pathPrefix, count = 1) {
      for (let i = 0; i < count; i++) faults.push({ fault, prefix: pathPrefix })
    },
    uploadBytes: () =>
      requests.filter((r) => r.path.startsWith('/upload/')).reduce((sum, r) => sum + r.bytes, 0),
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
