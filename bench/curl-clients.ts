import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { authorizeShownCode } from '../test/support/browser.ts'
import { APP_KEY } from '../test/support/dropbox-fixture.ts'
import { finished, startProcess, type Running } from './child-process.ts'
import type { Teardown } from './teardown.ts'

const TIMEOUT_MS = 300_000
/**
 * The body's type, and no `Expect: 100-continue`: curl asks for it before a body over 1 MB and
 * waits for the answer, a round trip per request on a real link that no other client pays.
 */
const OCTETS = ['-H', 'Content-Type: application/octet-stream', '-H', 'Expect:']

/** curl is the reference; a missing one is installed only where that is plainly possible. */
export function ensureCurl(say: (text: string) => void): void {
  if (spawnSync('curl', ['--version']).status === 0) return
  const root = process.getuid?.() === 0
  const apt = spawnSync('apt-get', ['--version']).status === 0
  if (!root || !apt) {
    throw new Error('curl is not installed; install it (e.g. `apt-get install -y curl`) and rerun.')
  }
  say('curl is not installed; installing it with `apt-get install -y curl` ...')
  if (spawnSync('apt-get', ['install', '-y', 'curl'], { stdio: 'inherit' }).status !== 0) {
    throw new Error('`apt-get install -y curl` failed; install curl and rerun.')
  }
}

/** curl, run under the command prefix `via` (such as `ip netns exec <ns>`) when there is one. */
function startCurl(args: string[], teardown: Teardown, via: string[]): Running {
  const [command, ...rest] = [...via, 'curl', ...args]
  return startProcess(command!, rest, teardown)
}

/** One POST of the file to the emulator's discard route; ms from spawn to exit. */
export async function curlToSink(
  url: string,
  file: string,
  size: number,
  teardown: Teardown,
  via: string[] = [],
) {
  // -T streams the file; --data-binary @file (the usual form) loads it into memory first, and
  // curl 7.88 refuses files of 1 GiB or more that way ("out of memory").
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_upload}', '-X', 'POST']
  const running = startCurl([...args, '-T', file, ...OCTETS, `${url}/__sink`], teardown, via)
  const exit = await finished(running, TIMEOUT_MS, 'curl')
  if (exit.stdout.trim() !== `200 ${size}`) throw new Error(`curl to /__sink: ${exit.stdout}`)
  return exit.endedAt - running.startedAt
}

/** A header file authorizing curl: a token from the emulator's own PKCE sign-in (code shown). */
export async function curlAuthorization(emulatorUrl: string, dir: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const query = new URLSearchParams({
    client_id: APP_KEY,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })
  const code = await authorizeShownCode(`${emulatorUrl}/oauth2/authorize?${query}`)
  const form = {
    grant_type: 'authorization_code',
    code,
    client_id: APP_KEY,
    code_verifier: verifier,
  }
  const response = await fetch(`${emulatorUrl}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  })
  const token = ((await response.json()) as { access_token?: string }).access_token
  if (!token) throw new Error(`no token for curl: HTTP ${response.status}`)
  // Handed to curl as a header file (-H @file), so the token never shows in a process list.
  const file = join(dir, 'curl-authorization.txt')
  writeFileSync(file, `Authorization: Bearer ${token}\n`, { mode: 0o600 })
  return file
}

export interface Part {
  path: string
  offset: number
}

/**
 * The file split into `chunk`-sized part files (curl cannot send a byte range of one file),
 * written before any clock starts.
 */
export function splitFile(file: string, size: number, chunk: number, dir: string): Part[] {
  mkdirSync(dir)
  const fd = openSync(file, 'r')
  const buffer = Buffer.allocUnsafe(chunk)
  const parts: Part[] = []
  try {
    for (let offset = 0; offset < size; offset += chunk) {
      const length = readSync(fd, buffer, 0, Math.min(chunk, size - offset), offset)
      const path = join(dir, `part-${parts.length}`)
      writeFileSync(path, buffer.subarray(0, length))
      parts.push({ path, offset })
    }
  } finally {
    closeSync(fd)
  }
  return parts
}

/**
 * The upload session our client makes (start, append_v2 per chunk, finish with the commit), sent
 * by curl: one curl for start, then one curl carrying every append and the finish over one
 * connection (--next). The emulator does the same work as for ours; the client differs.
 */
export async function curlSession(
  url: string,
  authorizationFile: string,
  parts: Part[],
  remotePath: string,
  teardown: Teardown,
  via: string[] = [],
): Promise<number> {
  if (parts.length < 2) throw new Error('curlSession needs at least two parts')
  const request = (part: Part, route: string, arg: unknown) => [
    ...['-s', '-X', 'POST', '-T', part.path, ...OCTETS],
    ...['-H', `@${authorizationFile}`, '-H', `Dropbox-API-Arg: ${JSON.stringify(arg)}`],
    `${url}/2/files/upload_session/${route}`,
  ]
  const start = startCurl(request(parts[0]!, 'start', {}), teardown, via)
  const started = await finished(start, TIMEOUT_MS, 'curl upload_session/start')
  const sessionId = (JSON.parse(started.stdout) as { session_id: string }).session_id
  const specs = parts.slice(1).map((part, i) => {
    const cursor = { session_id: sessionId, offset: part.offset }
    const last = i === parts.length - 2
    const route = last ? 'finish' : 'append_v2'
    const arg = last ? { cursor, commit: { path: remotePath } } : { cursor }
    return ['-o', '/dev/null', '-w', '%{http_code}\\n', ...request(part, route, arg)]
  })
  const args = specs.flatMap((spec, i) => (i === 0 ? spec : ['--next', ...spec]))
  const rest = startCurl(args, teardown, via)
  const exit = await finished(rest, TIMEOUT_MS, 'curl append_v2 ... finish')
  const codes = exit.stdout.trim().split('\n')
  if (codes.length !== specs.length || codes.some((code) => code !== '200')) {
    throw new Error(`curl session: answers ${[...new Set(codes)].join(', ')}`)
  }
  return exit.endedAt - start.startedAt
}

/** files/delete_v2 with curl's token: a figure's round leaves no copies behind for the next. */
export async function deleteRemote(url: string, authorizationFile: string, path: string) {
  const authorization = readFileSync(authorizationFile, 'utf8').replace(/^Authorization: /, '')
  const response = await fetch(`${url}/2/files/delete_v2`, {
    method: 'POST',
    headers: { authorization: authorization.trim(), 'content-type': 'application/json' },
    body: JSON.stringify({ path }),
  })
  if (!response.ok) throw new Error(`delete_v2 ${path}: HTTP ${response.status}`)
  await response.arrayBuffer()
}

export function removeParts(parts: Part[]): void {
  for (const part of parts) rmSync(part.path, { force: true })
}
