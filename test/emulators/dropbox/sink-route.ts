import { jsonReply } from './reply.ts'
import { bodyChunks } from './request-body.ts'
import type { RouteHandler } from './route-context.ts'

/**
 * Not a Dropbox route: reads and discards the body, answering {bytes}. Benchmarks compare our
 * client's raw throughput against curl with it, without disk or hashing in the way.
 */
export const SINK_PATH = '/__sink'

export const sinkRoute: RouteHandler = async (_state, ctx) => {
  let bytes = 0
  for await (const chunk of bodyChunks(ctx)) bytes += chunk.length
  return jsonReply(200, { bytes })
}
