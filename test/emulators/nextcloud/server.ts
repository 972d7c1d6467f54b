import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Accounts } from './accounts.ts'
import { FaultQueue } from './faults.ts'
import { FileTree } from './file-tree.ts'
import { davError, readBody, type Reply } from './http-io.ts'
import { LoginFlows } from './login-flow.ts'
import type { EmulatorState } from './route-context.ts'
import { dispatch } from './routes.ts'
import type { NextcloudEmulator, NextcloudEmulatorOptions, RequestRecord } from './types.ts'
import { UploadFolders } from './upload-folders.ts'

const DEFAULT_USER = {
  id: 'brewer',
  loginName: 'brewer@example.com',
  displayName: 'Brewer Example',
  email: 'brewer@example.com',
}

function send(res: ServerResponse, record: RequestRecord, reply: Reply): void {
  record.status = reply.status
  const body = reply.body ?? ''
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}

interface Handling {
  state: EmulatorState
  faults: FaultQueue
  counted: Counter
}

/** PUT body bytes received, and a point at which reading stops until released (holdAt). */
interface Counter {
  bytes: number
  hold: { total: number; released: Promise<void> } | undefined
}

async function handle(
  h: Handling,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  const fault = h.faults.take(record.method, url.pathname)
  if (fault?.kind === 'delay') {
    await sleep(fault.ms)
    if (req.destroyed || req.socket.destroyed) return
  }
  // Every answer comes after the whole body, so clients never see a reset while still sending.
  const body = await readBody(req, (n) => {
    record.bodyBytes += n
    if (req.method !== 'PUT') return
    h.counted.bytes += n
    const { hold } = h.counted
    if (hold && h.counted.bytes >= hold.total) return hold.released
  })
  if (fault?.kind === 'status')
    return send(res, record, { status: fault.status, body: 'Server error' })
  if (fault?.kind === 'insufficient_storage')
    return send(
      res,
      record,
      davError(507, 'InsufficientStorage', 'Insufficient space in the target folder'),
    )
  const reply = dispatch(h.state, { req, url, body })
  if (fault?.kind === 'drop_response') {
    req.socket.destroy()
    return
  }
  send(res, record, reply)
}

export async function startNextcloudEmulator(
  options: NextcloudEmulatorOptions = {},
): Promise<NextcloudEmulator> {
  const now = options.now ?? Date.now
  const user = { ...DEFAULT_USER, ...options.user }
  const accounts = new Accounts(user)
  const requests: RequestRecord[] = []
  const counted: Counter = { bytes: 0, hold: undefined }
  const faults = new FaultQueue()
  const server = createServer((req, res) => {
    const record: RequestRecord = {
      method: req.method ?? '',
      path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
      status: 0,
      bodyBytes: 0,
      headers: { ...req.headers },
    }
    requests.push(record)
    handle({ state, faults, counted }, req, res, record).catch((error: unknown) => {
      if (req.destroyed || res.headersSent) return void req.socket.destroy()
      send(res, record, {
        status: 500,
        body: `Nextcloud emulator internal error: ${String(error)}`,
      })
    })
  })
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const state: EmulatorState = {
    accounts,
    files: new FileTree(options.quotaBytes),
    uploads: new UploadFolders(now),
    flows: new LoginFlows(accounts, baseUrl, now),
    now,
  }

  return {
    url: baseUrl,
    user,
    requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    grantLogin: (loginUrl) => state.flows.grant(loginUrl),
    setQuota: (bytes) => {
      state.files.quota = bytes
    },
    expireUploads: () => state.uploads.expireAll(),
    stored: (path) => state.files.file(path)?.data,
    storedPaths: () => state.files.filePaths(),
    bytesReceived: () => counted.bytes,
    holdAt: (total) => {
      let release = () => {}
      const released = new Promise<void>((resolve) => (release = resolve))
      counted.hold = { total, released }
      return () => {
        counted.hold = undefined
        release()
      }
    },
    usedBytes: () => state.files.used(),
    activeAppPasswords: () => accounts.active(),
    revokeAppPasswords: () => accounts.revokeAll(),
    uploadFolders: () => state.uploads.list(),
    injectFault: (match, fault, times) => faults.inject(match, fault, times),
  }
}
