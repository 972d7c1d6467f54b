import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError, type AppError } from '../../../../src/shared/app-error.ts'
import {
  contentTraffic,
  expectStored,
  FOLDER,
  MiB,
  randomData,
  recorder,
  sourceFile,
  startAccount,
  type Account,
} from './uploader-fixture.ts'

const UPLOAD = '/2/files/upload'
const APPEND = '/2/files/upload_session/append_v2'
const FINISH = '/2/files/upload_session/finish'

let account: Account
beforeEach(async () => (account = await startAccount()))
afterEach(() => account.emulator.close())

async function send(size: number, name = `f-${size}.tar.xz`) {
  const data = randomData(size)
  const result = await account.uploader().upload(sourceFile(name, data), FOLDER, recorder().context)
  expectStored(account.emulator, result.remotePath, data)
  return result
}

async function errorOf(size: number): Promise<unknown> {
  const data = randomData(size)
  return account
    .uploader()
    .upload(sourceFile('failing.tar.xz', data), FOLDER, recorder().context)
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    )
}

async function codeOf(size: number): Promise<string> {
  const error = await errorOf(size)
  return isAppError(error) ? error.code : `not an AppError: ${String(error)}`
}

/**
 * At least what was asked, and not much more (jitter, so installs don't return in lockstep): a
 * tenth (at least 0.5 s) for a first refusal, and up to 0.5 s of the request's own at the gate.
 */
function expectAbout(waits: number[], asked: number[]) {
  expect(waits).toHaveLength(asked.length)
  waits.forEach((wait, i) => {
    expect(wait).toBeGreaterThanOrEqual(asked[i]!)
    expect(wait).toBeLessThanOrEqual(asked[i]! + Math.max(500, asked[i]! / 10) + 500)
  })
}

const statuses = (path: string) =>
  account.emulator.requests.filter((r) => r.path === path).map((r) => r.status)

describe('retries', () => {
  it('waits as long as a 429 Retry-After says, JSON or text body', async () => {
    account.emulator.injectFault(APPEND, { kind: 'rate_limit', retryAfter: 3, body: 'json' })
    account.emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 7, body: 'text' })
    await send(12 * MiB)
    await send(1000)
    expectAbout(account.waits, [3000, 7000])
    expect(statuses(APPEND)).toEqual([429, 200])
  })

  it('retries a 429 too_many_write_operations', async () => {
    account.emulator.injectFault(UPLOAD, {
      kind: 'rate_limit',
      retryAfter: 1,
      body: 'json',
      reason: 'too_many_write_operations',
    })
    await send(1000)
    expect(statuses(UPLOAD)).toEqual([429, 200])
  })

  it('retries 503 with backoff, and gives up with provider_error after the last try', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'status', status: 503 }, 2)
    await send(1000)
    expect(statuses(UPLOAD)).toEqual([503, 503, 200])
    expect(account.waits).toHaveLength(2)
    account.emulator.injectFault(UPLOAD, { kind: 'status', status: 503 }, 5)
    expect(await codeOf(1000)).toBe('provider_error')
  })

  it('hands a very long Retry-After back to the queue as rate_limited, with the wait', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 3600, body: 'json' })
    const error = await errorOf(1000)
    expect(isAppError(error, 'rate_limited')).toBe(true)
    expect((error as AppError).retryAfterMs).toBeGreaterThanOrEqual(3_600_000)
    expect(account.waits).toEqual([])
  })

  it('hands the last Retry-After back to the queue when the retries in the request run out', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'rate_limit', retryAfter: 2, body: 'text' }, 5)
    const error = await errorOf(1000)
    expect(statuses(UPLOAD)).toEqual([429, 429, 429, 429, 429])
    expect(isAppError(error, 'rate_limited')).toBe(true)
    expect((error as AppError).retryAfterMs).toBe(2000)
  })

  it('sends a single upload again when the connection broke mid-body', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'reset_mid_body' })
    await send(3 * MiB)
    expect(statuses(UPLOAD)).toEqual([0, 200])
  })

  it('sends a single upload again when its answer was lost, without making a copy', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'drop_response' })
    const result = await send(2 * MiB, 'lost-answer.tar.xz')
    expect(result).toMatchObject({ remotePath: `${FOLDER}/lost-answer.tar.xz`, renamed: false })
    expect(statuses(UPLOAD)).toEqual([0, 200])
    expect(account.emulator.files().size).toBe(1)
  })

  it('re-sends just the request Dropbox received damaged (per-request content_hash)', async () => {
    const damaged = new Set<string>()
    const damaging: typeof fetch = (input, init) => {
      const route = String(input).replace(/^.*\/2\//, '')
      const body = init?.body
      if (!(body instanceof Uint8Array) || body.length === 0 || damaged.has(route)) {
        return fetch(input, init)
      }
      damaged.add(route)
      const copy = Buffer.from(body)
      copy[copy.length >> 1]! ^= 0x01
      return fetch(input, { ...init, body: copy })
    }
    const big = randomData(20 * MiB)
    const small = randomData(1000)
    const uploader = account.uploader({ fetch: damaging })
    const one = await uploader.upload(sourceFile('big.tar.xz', big), FOLDER, recorder().context)
    const two = await uploader.upload(sourceFile('small.tar.xz', small), FOLDER, recorder().context)
    expect(statuses('/2/files/upload_session/start')).toEqual([409, 200])
    expect(statuses(APPEND)).toEqual([409, 200, 200])
    expect(statuses(UPLOAD)).toEqual([409, 200])
    expectStored(account.emulator, one.remotePath, big)
    expectStored(account.emulator, two.remotePath, small)
  })

  it('recovers a finish whose answer was lost from the committed file', async () => {
    account.emulator.injectFault(FINISH, { kind: 'drop_response' })
    const result = await send(10 * MiB)
    expect(result).toMatchObject({ renamed: false, alreadyPresent: false })
    expect(statuses(FINISH)).toEqual([0, 409])
  })

  it('retries too_many_write_operations (409) on finish, and on upload without re-sending', async () => {
    account.emulator.injectFault(FINISH, { kind: 'too_many_write_operations' })
    await send(10 * MiB)
    expect(statuses(FINISH)).toEqual([409, 200])
    const from = account.emulator.requests.length
    account.emulator.injectFault(UPLOAD, { kind: 'too_many_write_operations' })
    await send(1000)
    // The bytes stay in the session files/upload reports; only the commit is retried.
    expect(contentTraffic(account.emulator, from)).toMatchObject({
      bytes: 1000,
      upload: 1,
      finish: 1,
    })
    expect(account.waits).toHaveLength(2)
  })
})

describe('fatal answers', () => {
  it('fails at once with insufficient_space, on upload and on finish', async () => {
    account.emulator.injectFault(UPLOAD, { kind: 'insufficient_space' })
    expect(await codeOf(1000)).toBe('insufficient_space')
    expect(statuses(UPLOAD)).toEqual([409])
    account.emulator.injectFault(FINISH, { kind: 'insufficient_space' })
    expect(await codeOf(9 * MiB)).toBe('insufficient_space')
    expect(statuses(FINISH)).toEqual([409])
    expect(account.emulator.files().size).toBe(0)
  })

  it('fails with insufficient_space when the account is really full', async () => {
    await account.emulator.close()
    account = await startAccount(5 * MiB)
    expect(await codeOf(6 * MiB)).toBe('insufficient_space')
  })
})

describe('tokens', () => {
  it('refreshes an expired access token once and replays the request', async () => {
    account.emulator.expireAccessTokens()
    const before = account.emulator.count('/oauth2/token')
    await send(10 * MiB)
    expect(account.tokens.refreshes).toBe(1)
    expect(account.emulator.count('/oauth2/token')).toBe(before + 1)
  })

  it('refreshes in the middle of a session and carries on', async () => {
    const rec = recorder({
      onProgress: (bytes) => bytes === 8 * MiB && account.emulator.expireAccessTokens(),
    })
    const data = randomData(20 * MiB)
    const result = await account
      .uploader()
      .upload(sourceFile('mid.tar.xz', data), FOLDER, rec.context)
    expect(account.tokens.refreshes).toBe(1)
    // The rejected chunk is sent once more with the new token; nothing else is repeated.
    expect(contentTraffic(account.emulator)).toMatchObject({
      bytes: data.length + 8 * MiB,
      start: 1,
      append: 3,
    })
    expect(statuses(APPEND)).toEqual([401, 200, 200])
    expectStored(account.emulator, result.remotePath, data)
  })

  it('asks for a reconnect when access was revoked', async () => {
    account.emulator.revokeAll()
    expect(await codeOf(1000)).toBe('needs_reauth')
    expect(contentTraffic(account.emulator).bytes).toBe(0)
  })
})
