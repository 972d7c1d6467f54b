import { randomBytes } from 'node:crypto'

/** A response decided by a route; the server writes it (or drops it, for faults). */
export interface Reply {
  status: number
  headers: Record<string, string>
  /** Text or JSON; a file's bytes for the content-download route. */
  body: string | Buffer
}

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json'

export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) }
}

export function textReply(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': TEXT, ...headers }, body: text }
}

export function htmlReply(
  status: number,
  html: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body: html }
}

/** 400s from the API are plain text naming the route (HTTP docs, "Errors" table). */
export function badInput(route: string, detail: string): Reply {
  return textReply(400, `Error in call to API function "${route}": ${detail}`)
}

/** Dropbox's error_summary: the chain of tags followed by '/..' (free text for logs only). */
export function errorSummary(error: unknown): string {
  const tags: string[] = []
  let node: unknown = error
  while (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>
    const tag = record['.tag']
    if (typeof tag === 'string') {
      tags.push(tag)
      node = record[tag] ?? record.reason
    } else {
      node = record.reason
    }
  }
  return `${tags.join('/')}/..`
}

/** 409: route-specific error, `{error_summary, error}` (HTTP docs, "Endpoint-specific error"). */
export function endpointError(error: Record<string, unknown>): Reply {
  return jsonReply(409, { error_summary: errorSummary(error), error })
}

/** 401: AuthError from auth.stone. */
export function authError(error: Record<string, unknown>): Reply {
  return jsonReply(401, { error_summary: errorSummary(error), error })
}

export function requestId(): string {
  return randomBytes(16).toString('hex')
}
