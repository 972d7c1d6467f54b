import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isMultipartRequest,
  multipartRoute,
  type FinishedObject,
  type ObjectRequest,
} from './multipart-routes.ts'
import { MultipartStore, type PendingUpload } from './multipart-store.ts'
import { errorReply, S3Error, type S3Reply } from './s3-error.ts'
import { encodeKey, S3rverBackend } from './s3rver-backend.ts'
import { checkSignature } from './sigv4-check.ts'

export interface S3EmulatorOptions {
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  region: string
}

export interface RequestRecord {
  method: string
  bucket: string
  key: string
  query: URLSearchParams
  status: number
  /** Body bytes received (object and part uploads). */
  bytes: number
  /** The Range header a GET came with (s3rver answers it: 206, or 416 InvalidRange). */
  range?: string
}

/** A one-shot failure, as S3 sends it (SlowDown with Retry-After, EntityTooLarge …). */
export interface InjectedError {
  match(request: RequestRecord): boolean
  status: number
  code: string
  message?: string
  headers?: Record<string, string>
}

/** Holds matching requests this long before answering (a slow link, for kill -9 tests). */
export interface InjectedDelay {
  match(request: RequestRecord): boolean
  ms: number
}

interface Completed {
  etag: string
  checksumSha256?: string
}

/**
 * The test S3 server: our strict front on 127.0.0.1 (SigV4, Content-MD5, the multipart API)
 * with s3rver behind it for everything else. Path-style addressing only. See README.md.
 */
export class S3Emulator {
  readonly requests: RequestRecord[] = []
  private readonly keys = new Map<string, string>()
  private readonly uploads = new MultipartStore()
  /** Objects completed from parts: S3 reports their multipart ETag, s3rver would not. */
  private readonly completed = new Map<string, Completed>()
  private readonly injected: InjectedError[] = []
  private readonly delays: InjectedDelay[] = []
  /** Where holdAt stops letting bytes in, and the release of what it holds. */
  private hold: { total: number; released: Promise<void>; release: () => void } | undefined
  private server!: Server
  private secure = false

  private readonly options: S3EmulatorOptions
  private readonly backend: S3rverBackend
  private readonly directory: string

  private constructor(options: S3EmulatorOptions, backend: S3rverBackend, directory: string) {
    this.options = options
    this.backend = backend
    this.directory = directory
    this.keys.set(options.accessKeyId, options.secretAccessKey)
  }

  /** `tls`: serve https with this key and certificate (a test CA's) instead of http. */
  static async start(
    options: Partial<S3EmulatorOptions> & { tls?: { key: string; cert: string } } = {},
  ): Promise<S3Emulator> {
    const { tls, ...rest } = options
    const full: S3EmulatorOptions = {
      bucket: 'backups',
      accessKeyId: 'AKIAEMULATOR0000001',
      secretAccessKey: 'emulator-secret-access-key-0001',
      region: 'us-east-1',
      ...rest,
    }
    const directory = await mkdtemp(join(tmpdir(), 'ftb-s3rver-'))
    const backend = await S3rverBackend.start(directory, [full.bucket])
    const emulator = new S3Emulator(full, backend, directory)
    const listener = (req: IncomingMessage, res: ServerResponse) => void emulator.handle(req, res)
    emulator.server = tls ? createTlsServer(tls, listener) : createServer(listener)
    emulator.secure = tls !== undefined
    await new Promise<void>((resolve) => emulator.server.listen(0, '127.0.0.1', resolve))
    return emulator
  }

  get endpoint(): string {
    const scheme = this.secure ? 'https' : 'http'
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  get bucket(): string {
    return this.options.bucket
  }

  get region(): string {
    return this.options.region
  }

  get accessKeyId(): string {
    return this.options.accessKeyId
  }

  /** Bytes of object and part bodies received so far. */
  bytesReceived(): number {
    return this.requests.reduce((sum, r) => sum + r.bytes, 0)
  }

  /** Multipart uploads created and neither completed nor aborted. */
  pendingUploads(): PendingUpload[] {
    return this.uploads.pending()
  }

  /** What s3rver stores at the key, read from s3rver itself. */
  stored(key: string): Promise<Buffer | undefined> {
    return this.backend.read(this.options.bucket, key)
  }

  /** Removes the access key, as deleting it in the IAM console does. */
  revokeKey(accessKeyId = this.options.accessKeyId): void {
    this.keys.delete(accessKeyId)
  }

  inject(error: InjectedError): void {
    this.injected.push(error)
  }

  delay(delay: InjectedDelay): void {
    this.delays.push(delay)
  }

  /**
   * Once `total` body bytes have arrived, holds every further request before reading its body,
   * until the returned function is called: a kill -9 then lands at a known point.
   */
  holdAt(total: number): () => void {
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    this.hold = { total, released, release }
    return () => {
      this.hold = undefined
      release()
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
    await this.backend.close()
    await rm(this.directory, { recursive: true, force: true })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hold = this.hold
    if (hold && this.bytesReceived() >= hold.total) await hold.released
    if (req.socket.destroyed) return
    const url = new URL(req.url ?? '/', 'http://emulator')
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/').map(decodeURIComponent)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const request: ObjectRequest = {
      method: req.method ?? 'GET',
      bucket,
      key: rest.join('/'),
      query: url.searchParams,
      headers: req.headers,
      body,
    }
    const record: RequestRecord = {
      method: request.method,
      bucket,
      key: request.key,
      query: url.searchParams,
      status: 0,
      bytes: req.method === 'PUT' ? body.length : 0,
      ...(typeof req.headers.range === 'string' ? { range: req.headers.range } : {}),
    }
    this.requests.push(record)
    const wait = this.delays.find((d) => d.match(record))?.ms
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait))
    if (req.socket.destroyed) return
    try {
      const reply = await this.answer(req, request, record)
      if (reply) return send(res, record, reply)
      await this.forward(req, request, record, res)
    } catch (error) {
      if (!(error instanceof S3Error)) throw error
      send(res, record, errorReply(error, url.pathname))
    }
  }

  private async answer(
    req: IncomingMessage,
    request: ObjectRequest,
    record: RequestRecord,
  ): Promise<S3Reply | undefined> {
    const fault = this.injected.findIndex((f) => f.match(record))
    if (fault >= 0) {
      const [f] = this.injected.splice(fault, 1)
      const reply = errorReply(
        new S3Error(f!.status, f!.code, f!.message ?? f!.code),
        req.url ?? '/',
      )
      return { ...reply, headers: { ...reply.headers, ...f!.headers } }
    }
    checkSignature(
      { method: request.method, rawUrl: req.url ?? '/', headers: req.headers, body: request.body },
      { region: this.options.region, secretOf: (id) => this.keys.get(id), now: Date.now },
    )
    if (request.bucket !== '' && request.bucket !== this.options.bucket)
      throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: request.bucket,
      })
    if (request.key !== '' && isMultipartRequest(request))
      return multipartRoute(request, {
        store: this.uploads,
        storeObject: (o) => this.storeObject(o),
      })
    checkContentMd5(request)
    return undefined
  }

  private async storeObject(object: FinishedObject): Promise<void> {
    const res = await this.backend.send(
      'PUT',
      `/${object.bucket}/${encodeKey(object.key)}`,
      object.headers,
      object.body,
    )
    res.resume()
    if (res.statusCode !== 200)
      throw new Error(`s3rver refused the assembled object (${res.statusCode})`)
    this.completed.set(`${object.bucket}/${object.key}`, {
      etag: object.etag,
      checksumSha256: object.checksumSha256,
    })
  }

  /** The rest of the API is s3rver's; only objects completed from parts get S3's ETag back. */
  private async forward(
    req: IncomingMessage,
    request: ObjectRequest,
    record: RequestRecord,
    res: ServerResponse,
  ): Promise<void> {
    const id = `${request.bucket}/${request.key}`
    if (request.method === 'PUT' || request.method === 'DELETE') this.completed.delete(id)
    const answer = await this.backend.send(
      request.method,
      req.url ?? '/',
      req.headers,
      request.method === 'PUT' ? request.body : undefined,
    )
    const headers = { ...answer.headers }
    const multipart = this.completed.get(id)
    if (
      multipart &&
      answer.statusCode !== undefined &&
      answer.statusCode < 300 &&
      ['GET', 'HEAD'].includes(request.method)
    ) {
      headers.etag = `"${multipart.etag}"`
      if (multipart.checksumSha256 && req.headers['x-amz-checksum-mode'] === 'ENABLED')
        headers['x-amz-checksum-sha256'] = multipart.checksumSha256
    }
    record.status = answer.statusCode ?? 0
    if (request.method === 'GET' && request.key === '' && answer.statusCode === 200) {
      // A listing: objects completed from parts are listed with their multipart ETag, as by S3.
      const chunks: Buffer[] = []
      for await (const chunk of answer) chunks.push(chunk as Buffer)
      const xml = this.withMultipartEtags(request.bucket, Buffer.concat(chunks).toString('utf8'))
      res.writeHead(record.status, { ...headers, 'content-length': String(Buffer.byteLength(xml)) })
      return void res.end(xml)
    }
    res.writeHead(record.status, headers)
    answer.pipe(res)
  }

  /** Each <Contents> of a ListObjects answer whose key was completed from parts, re-tagged. */
  private withMultipartEtags(bucket: string, xml: string): string {
    return xml.replace(/<Contents>[\s\S]*?<\/Contents>/g, (contents) => {
      const key = /<Key>([\s\S]*?)<\/Key>/.exec(contents)?.[1]
      const multipart =
        key === undefined ? undefined : this.completed.get(`${bucket}/${xmlText(key)}`)
      if (!multipart) return contents
      return contents.replace(
        /<ETag>[\s\S]*?<\/ETag>/,
        `<ETag>&quot;${multipart.etag}&quot;</ETag>`,
      )
    })
  }
}

/** The text an XML element holds, its five predefined entities read. */
function xmlText(escaped: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return escaped.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name]!)
}

function checkContentMd5(request: ObjectRequest): void {
  const md5 = request.headers['content-md5']
  // s3rver ignores Content-MD5; S3 refuses a body that does not match it.
  if (request.method !== 'PUT' || typeof md5 !== 'string') return
  if (createHash('md5').update(request.body).digest('base64') !== md5)
    throw new S3Error(
      400,
      'BadDigest',
      'The Content-MD5 you specified did not match what we received.',
    )
}

function send(res: ServerResponse, record: RequestRecord, reply: S3Reply): void {
  record.status = reply.status
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  })
  res.end(reply.body)
}
