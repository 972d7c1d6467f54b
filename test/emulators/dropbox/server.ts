import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FaultQueue, isCommitFault, rateLimitReply, serverErrorReply } from './faults.ts'
import { FileStore } from './file-store.ts'
import { InFlight } from './in-flight.ts'
import { APP_SCOPES } from './oauth-authorize.ts'
import { ListCursors } from './list-cursors.ts'
import { requestId, textReply, type Reply } from './reply.ts'
import { drainBody, firstBodyBytes, sleep } from './request-body.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'
import { dispatch, routeName } from './routes.ts'
import { TokenStore } from './token-store.ts'
import { TrafficLimits } from './traffic-limits.ts'
import type { DropboxEmulator, DropboxEmulatorOptions, RequestRecord } from './types.ts'
import { UploadSessions } from './upload-sessions.ts'

const TIB = 1024 ** 4
const DEFAULT_ACCOUNT = { name: 'Brewer Example', email: 'brewer@example.com' }

function send(res: ServerResponse, record: RequestRecord, reply: Reply): void {
  record.status = reply.status
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
    'x-dropbox-request-id': requestId(),
  })
  res.end(reply.body)
}

function gone(req: IncomingMessage): boolean {
  return req.destroyed || req.socket.destroyed
}

async function handle(
  state: EmulatorState,
  faults: FaultQueue,
  ctx: RouteContext,
  res: ServerResponse,
): Promise<void> {
  const { req } = ctx
  const refused = state.limits.refusal()
  if (refused) {
    await drainBody(ctx)
    send(res, ctx.record, refused)
    return
  }
  const fault = faults.take(ctx.url.pathname)
  let dropResponse = false
  if (fault?.kind === 'reset_mid_body') {
    await firstBodyBytes(ctx)
    req.socket.destroy()
    return
  }
  if (fault?.kind === 'status' || fault?.kind === 'rate_limit') {
    await drainBody(ctx)
    send(
      res,
      ctx.record,
      fault.kind === 'status' ? serverErrorReply(fault.status) : rateLimitReply(fault),
    )
    return
  }
  if (fault?.kind === 'delay') {
    await sleep(fault.ms)
    if (gone(req)) return
  }
  if (fault?.kind === 'drop_response') dropResponse = true
  if (fault && isCommitFault(fault)) ctx.commitFault = fault

  const reply = await dispatch(state, ctx)
  // Answer only after the whole body arrived, even for early errors, so clients never see a
  // reset while still sending.
  await drainBody(ctx)
  if (dropResponse) {
    req.socket.destroy()
    return
  }
  send(res, ctx.record, reply)
}

export async function startDropboxEmulator(
  options: DropboxEmulatorOptions,
): Promise<DropboxEmulator> {
  if (!options.appKey) throw new Error('appKey is required')
  const ownsDir = options.storageDir === undefined
  const root = options.storageDir ?? (await mkdtemp(join(tmpdir(), 'dropbox-emulator-')))
  await mkdir(join(root, 'files'), { recursive: true })
  await mkdir(join(root, 'sessions'), { recursive: true })
  const now = options.now ?? Date.now
  const account = options.account ?? DEFAULT_ACCOUNT
  const state: EmulatorState = {
    appKey: options.appKey,
    redirectUris: [...options.redirectUris],
    now,
    account: { ...account, accountId: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc', uid: '12345678' },
    tokens: new TokenStore(now, options.accessTokenTtlSeconds ?? 14400),
    files: new FileStore(join(root, 'files'), options.quotaBytes ?? 2 * TIB, now),
    sessions: new UploadSessions(join(root, 'sessions'), now),
    cursors: new ListCursors(),
    denyNextAuthorization: false,
    appScopes: [...(options.appScopes ?? APP_SCOPES)],
    lastAuthorizeParams: undefined,
    limits: new TrafficLimits(now),
  }
  const faults = new FaultQueue()
  const requests: RequestRecord[] = []
  const inFlight = new InFlight()

  const listener: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const record: RequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      receivedAt: now(),
      status: 0,
      bodyBytes: 0,
      ...(req.headers.range === undefined ? {} : { range: req.headers.range }),
    }
    requests.push(record)
    inFlight.open(url.pathname)
    res.once('close', () => inFlight.close(url.pathname))
    const ctx: RouteContext = {
      req,
      record,
      url,
      route: routeName(url.pathname),
      commitFault: undefined,
      nextCommitFault: () => faults.takeCommit(url.pathname),
    }
    handle(state, faults, ctx, res).catch((error: unknown) => {
      // A client that vanished mid-body lands here; so does an emulator bug, reported as a 500.
      if (gone(req) || res.headersSent) {
        req.socket.destroy()
        return
      }
      const message = error instanceof Error ? error.message : String(error)
      send(res, record, textReply(500, `Dropbox emulator internal error: ${message}`))
    })
  }
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener)
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`

  return {
    url,
    authorizeUrl: `${url}/oauth2/authorize`,
    requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      if (ownsDir) await rm(root, { recursive: true, force: true })
    },
    count: (path) => requests.filter((record) => record.path === path).length,
    peakInFlight: (path) => inFlight.peak(path),
    issuedSecrets: () => state.tokens.secrets(),
    expireAccessTokens: () => state.tokens.expireAll(),
    refreshedWith: () => [...state.tokens.refreshedWith],
    revokeAll: () => state.tokens.revokeAll(),
    denyNextAuthorization: () => {
      state.denyNextAuthorization = true
    },
    setQuotaBytes: (bytes) => {
      state.files.quotaBytes = bytes
    },
    usedBytes: () => state.files.usedBytes(),
    setAppScopes: (scopes) => {
      state.appScopes = [...scopes]
    },
    injectFault: (path, fault, times) => faults.inject(path, fault, times),
    clearFaults: () => faults.clear(),
    setRateLimit: (limit) => state.limits.setRateLimit(limit),
    startOutage: (ms) => state.limits.startOutage(ms),
    files: () => state.files.snapshot(),
    get lastAuthorizeParams() {
      return state.lastAuthorizeParams
    },
  }
}
