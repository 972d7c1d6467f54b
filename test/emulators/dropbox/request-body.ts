import type { IncomingMessage } from 'node:http'
import type { RequestRecord } from './types.ts'

/** Where a body comes from and where its byte count is recorded. */
export interface BodySource {
  req: IncomingMessage
  record: RequestRecord
}

/**
 * Every body read goes through here so RequestRecord.bodyBytes is exact. Callers never `break`
 * out of the loop: that would destroy the socket, and the server must answer after the body.
 */
export async function* bodyChunks(source: BodySource): AsyncGenerator<Buffer> {
  for await (const chunk of source.req as AsyncIterable<Buffer>) {
    source.record.bodyBytes += chunk.length
    yield chunk
  }
}

/** Reads a small body; past `limit` it keeps draining and returns undefined. */
export async function readSmallBody(
  source: BodySource,
  limit: number,
): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of bodyChunks(source)) {
    size += chunk.length
    if (size <= limit) parts.push(chunk)
  }
  return size <= limit ? Buffer.concat(parts) : undefined
}

export async function drainBody(source: BodySource): Promise<void> {
  if (source.req.readableEnded) return
  for await (const chunk of bodyChunks(source)) void chunk
}

/** Resolves once some body bytes arrived (or the body turned out empty). */
export function firstBodyBytes(source: BodySource): Promise<void> {
  return new Promise((resolve) => {
    const { req } = source
    if (req.readableEnded) return resolve()
    const done = (): void => {
      req.off('readable', onReadable)
      req.off('end', done)
      req.off('error', done)
      resolve()
    }
    const onReadable = (): void => {
      const chunk = req.read() as Buffer | null
      if (chunk === null) return
      source.record.bodyBytes += chunk.length
      done()
    }
    req.on('readable', onReadable)
    req.on('end', done)
    req.on('error', done)
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
