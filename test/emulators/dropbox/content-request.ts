import { request } from 'node:http'
import { headerSafeJson } from './header-safe.ts'
import type { DropboxEmulator } from './index.ts'

export { headerSafeJson }

/** POST a content-upload route the way a correct client does. */
export function contentCall(
  emulator: DropboxEmulator,
  path: string,
  token: string,
  arg: unknown,
  body: Uint8Array | string = '',
  contentType = 'application/octet-stream',
): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': contentType,
      'dropbox-api-arg': headerSafeJson(arg),
    },
    body,
  })
}

/** Sends header bytes exactly as given (fetch would refuse or re-encode them). */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (chunk: Buffer) => parts.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

export async function errorOf(response: Response, status = 409): Promise<Record<string, unknown>> {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}
