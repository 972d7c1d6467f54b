import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import S3rver from 's3rver'

/**
 * s3rver, the real fake S3 the tests use for buckets and objects (PutObject, GetObject,
 * HeadObject, ListObjectsV2, DeleteObject, HeadBucket). The front (server.ts) reaches it over
 * loopback HTTP without an Authorization header: the front has already checked the signature,
 * and s3rver takes unsigned requests as its dummy account.
 */
export class S3rverBackend {
  private readonly server: S3rver
  readonly port: number

  private constructor(server: S3rver, port: number) {
    this.server = server
    this.port = port
  }

  static async start(directory: string, buckets: string[]): Promise<S3rverBackend> {
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      configureBuckets: buckets.map((name) => ({ name })),
    })
    const { port } = await server.run()
    return new S3rverBackend(server, port)
  }

  /** Sends one request; resolves with s3rver's response, its body not yet read. */
  send(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body?: Buffer,
  ): Promise<IncomingMessage> {
    const forwarded = { ...headers }
    for (const name of ['authorization', 'host', 'expect', 'connection', 'x-amz-content-sha256'])
      delete forwarded[name]
    if (body) forwarded['content-length'] = String(body.length)
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: this.port, method, path, headers: forwarded },
        resolve,
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  /** The object's bytes straight from s3rver, or undefined when it has none at that key. */
  async read(bucket: string, key: string): Promise<Buffer | undefined> {
    const res = await this.send('GET', `/${bucket}/${encodeKey(key)}`, {})
    const chunks: Buffer[] = []
    for await (const chunk of res) chunks.push(chunk as Buffer)
    return res.statusCode === 200 ? Buffer.concat(chunks) : undefined
  }

  close(): Promise<void> {
    return this.server.close()
  }
}

export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/')
}
