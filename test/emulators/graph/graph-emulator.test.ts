import { createHash, randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from './index.ts'
import { quickXorOf } from './quick-xor.ts'

const CLIENT = 'client-1'
const REDIRECT = 'http://127.0.0.1/oauth/callback'
const UNIT = 320 * 1024
const open: GraphEmulator[] = []
afterEach(async () => {
  for (const emulator of open.splice(0)) await emulator.close()
})

async function emulator(options: Partial<GraphEmulatorOptions> = {}) {
  const started = await startGraphEmulator({
    clientId: CLIENT,
    redirectUris: [REDIRECT],
    ...options,
  })
  open.push(started)
  return started
}

const verifier = randomBytes(32).toString('base64url')
const challenge = createHash('sha256').update(verifier).digest('base64url')

async function authorize(e: GraphEmulator, params: Record<string, string> = {}) {
  const url = new URL(e.authorizeUrl)
  const all = {
    client_id: CLIENT,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:45678/oauth/callback',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'Files.ReadWrite.AppFolder offline_access User.Read',
    state: 's1',
    ...params,
  }
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v)
  return fetch(url, { redirect: 'manual' })
}

async function tokenRequest(e: GraphEmulator, form: Record<string, string>) {
  const response = await fetch(e.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT, ...form }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

async function signIn(e: GraphEmulator, scope?: string) {
  const location = new URL((await authorize(e, scope ? { scope } : {})).headers.get('location')!)
  const { body } = await tokenRequest(e, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code')!,
    redirect_uri: 'http://127.0.0.1:45678/oauth/callback',
    code_verifier: verifier,
  })
  return body
}

function graph(e: GraphEmulator, token: string, path: string, init: RequestInit = {}) {
  return fetch(`${e.url}/v1.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  })
}

async function folder(e: GraphEmulator, token: string, name: string) {
  const response = await graph(e, token, '/me/drive/special/approot/children', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, folder: {} }),
  })
  expect(response.status).toBe(201)
}

async function session(e: GraphEmulator, token: string, path: string) {
  const response = await graph(e, token, `/me/drive/special/approot:${path}:/createUploadSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'fail' } }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { uploadUrl: string }).uploadUrl
}

function fragment(url: string, bytes: Buffer, start: number, total: number, headers = {}) {
  return fetch(url, {
    method: 'PUT',
    headers: { 'content-range': `bytes ${start}-${start + bytes.length - 1}/${total}`, ...headers },
    body: bytes,
  })
}

describe('Graph emulator: identity platform', () => {
  it('redirects to a registered loopback URI at any port with a code, and refuses an unregistered one (AADSTS50011)', async () => {
    const e = await emulator()
    const ok = await authorize(e)
    expect(ok.status).toBe(302)
    expect(new URL(ok.headers.get('location')!).searchParams.get('state')).toBe('s1')
    const bad = await authorize(e, { redirect_uri: 'http://127.0.0.1:1/elsewhere' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('AADSTS50011')
  })

  it('refuses a code redeemed with the wrong PKCE verifier, and the code is then spent', async () => {
    const e = await emulator()
    const code = new URL((await authorize(e)).headers.get('location')!).searchParams.get('code')!
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:45678/oauth/callback',
    }
    const wrong = await tokenRequest(e, { ...form, code_verifier: 'x'.repeat(43) })
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    const again = await tokenRequest(e, { ...form, code_verifier: verifier })
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
  })

  it('rotates refresh tokens: a refresh gives a new one, and the old one is refused (invalid_grant)', async () => {
    const e = await emulator()
    const first = await signIn(e)
    const renewed = await tokenRequest(e, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
    })
    expect(renewed.status).toBe(200)
    expect(renewed.body.refresh_token).not.toBe(first.refresh_token)
    const reused = await tokenRequest(e, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token!,
    })
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect((await graph(e, renewed.body.access_token!, '/me')).status).toBe(200)
  })

  it('refuses a client secret from a public client', async () => {
    const e = await emulator()
    const answer = await tokenRequest(e, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_secret: 's',
    })
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
  })
})

describe('Graph emulator: the app folder', () => {
  it('keeps the app to its folder, /me to User.Read, and refuses expired tokens', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    expect((await graph(e, token!, '/me/drive/root/children')).status).toBe(403)
    expect((await graph(e, token!, '/me/drive')).status).toBe(200)
    const narrow = await signIn(e, 'Files.ReadWrite.AppFolder offline_access')
    expect((await graph(e, narrow.access_token!, '/me')).status).toBe(403)
    e.identity.expireAccessTokens()
    expect((await graph(e, token!, '/me/drive')).status).toBe(401)
  })

  it('takes small files in one PUT, refuses one over 4 MiB (413) and a taken name under "fail" (409)', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    const put = (path: string, body: Buffer) =>
      graph(
        e,
        token!,
        `/me/drive/special/approot:${path}:/content?@microsoft.graph.conflictBehavior=fail`,
        { method: 'PUT', body },
      )
    expect((await put('/a.bin', Buffer.from('abc'))).status).toBe(201)
    expect(await (await put('/a.bin', Buffer.from('xyz'))).json()).toMatchObject({
      error: { code: 'nameAlreadyExists' },
    })
    expect((await put('/big.bin', Buffer.alloc(4 * 1024 * 1024 + 1))).status).toBe(413)
    expect((await put('/missing/b.bin', Buffer.from('b'))).status).toBe(404)
    expect(e.stored('/a.bin')?.bytes.toString()).toBe('abc')
  })

  it('reports quickXorHash for a business drive, sha1 and sha256 for a personal one, sha1 alone where sha256 is not reported', async () => {
    for (const driveType of ['business', 'personal', 'sha1-only'] as const) {
      const e = await emulator(
        driveType === 'sha1-only'
          ? { driveType: 'personal', personalSha256: false }
          : { driveType },
      )
      const { access_token: token } = await signIn(e)
      const bytes = randomBytes(1000)
      const item = (await (
        await graph(e, token!, '/me/drive/special/approot:/h.bin:/content', {
          method: 'PUT',
          body: bytes,
        })
      ).json()) as {
        file: { hashes: Record<string, string> }
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex').toUpperCase()
      expect(item.file.hashes).toEqual(
        driveType === 'business'
          ? { quickXorHash: quickXorOf(bytes) }
          : driveType === 'sha1-only'
            ? { sha1Hash: createHash('sha1').update(bytes).digest('hex').toUpperCase() }
            : {
                sha256Hash: sha256,
                sha1Hash: createHash('sha1').update(bytes).digest('hex').toUpperCase(),
              },
      )
    }
  })

  it('answers 507 insufficientStorage past the quota, and a queued 429 with its Retry-After', async () => {
    const e = await emulator({ quotaBytes: 10 })
    const { access_token: token } = await signIn(e)
    const full = await graph(e, token!, '/me/drive/special/approot:/f.bin:/content', {
      method: 'PUT',
      body: Buffer.alloc(11),
    })
    expect(full.status).toBe(507)
    expect(await full.json()).toMatchObject({ error: { code: 'insufficientStorage' } })
    e.failNext({ pathPrefix: '/v1.0/me', status: 429, retryAfterSeconds: 7 })
    const limited = await graph(e, token!, '/me')
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7'])
  })

  it('downloads through a redirect to a pre-authenticated URL, honouring Range', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    await graph(e, token!, '/me/drive/special/approot:/d.bin:/content', {
      method: 'PUT',
      body: Buffer.from('0123456789'),
    })
    const located = await graph(e, token!, '/me/drive/special/approot:/d.bin:/content', {
      redirect: 'manual',
    })
    expect(located.status).toBe(302)
    const part = await fetch(located.headers.get('location')!, { headers: { range: 'bytes=4-' } })
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([
      206,
      'bytes 4-9/10',
      '456789',
    ])
  })
})

describe('Graph emulator: upload sessions', () => {
  it('takes fragments of 320 KiB multiples in order, says what it expects next, and stores the file at the last byte', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    await folder(e, token!, 'F')
    const url = await session(e, token!, '/F/s.bin')
    const bytes = randomBytes(2 * UNIT + 100)
    const first = await fragment(url, bytes.subarray(0, UNIT), 0, bytes.length)
    expect([
      first.status,
      ((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges,
    ]).toEqual([202, [`${UNIT}-${bytes.length - 1}`]])
    // Already received: 416; not a multiple of 320 KiB: 400; out of order: 400.
    expect((await fragment(url, bytes.subarray(0, UNIT), 0, bytes.length)).status).toBe(416)
    expect(
      (await fragment(url, bytes.subarray(UNIT, UNIT + 1000), UNIT, bytes.length)).status,
    ).toBe(400)
    expect((await fragment(url, bytes.subarray(2 * UNIT), 2 * UNIT, bytes.length)).status).toBe(400)
    const status = (await (await fetch(url)).json()) as { nextExpectedRanges: string[] }
    expect(status.nextExpectedRanges).toEqual([`${UNIT}-${bytes.length - 1}`])
    expect((await fragment(url, bytes.subarray(UNIT), UNIT, bytes.length)).status).toBe(201)
    expect(e.stored('/F/s.bin')?.bytes.equals(bytes)).toBe(true)
  })

  it('refuses an Authorization header on the uploadUrl (401), and forgets a cancelled or expired session (404)', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    const url = await session(e, token!, '/x.bin')
    const authed = await fragment(url, Buffer.alloc(UNIT), 0, 2 * UNIT, {
      authorization: `Bearer ${token}`,
    })
    expect(authed.status).toBe(401)
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(url)).status).toBe(404)
    const other = await session(e, token!, '/y.bin')
    e.sessions.expireAll()
    expect((await fragment(other, Buffer.alloc(UNIT), 0, 2 * UNIT)).status).toBe(404)
  })

  it('refuses a fragment of 60 MiB or more (413), whatever its multiple of 320 KiB', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    const url = await session(e, token!, '/huge.bin')
    const big = Buffer.alloc(192 * UNIT) // exactly 60 MiB
    const response = await fragment(url, big, 0, big.length + UNIT)
    expect(response.status).toBe(413)
    expect((await (await fetch(url)).json()) as object).toMatchObject({
      nextExpectedRanges: ['0-'],
    })
  })

  it('refuses a session for a taken name under "fail" (409 nameAlreadyExists)', async () => {
    const e = await emulator()
    const { access_token: token } = await signIn(e)
    await graph(e, token!, '/me/drive/special/approot:/t.bin:/content', {
      method: 'PUT',
      body: Buffer.from('t'),
    })
    const response = await graph(
      e,
      token!,
      '/me/drive/special/approot:/t.bin:/createUploadSession',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'fail' } }),
      },
    )
    expect(response.status).toBe(409)
    expect(await response.json()).toMatchObject({ error: { code: 'nameAlreadyExists' } })
  })
})
