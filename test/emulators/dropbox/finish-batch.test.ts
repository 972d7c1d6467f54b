import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentHashOf } from './content-hash.ts'
import { contentCall } from './content-request.ts'
import { startDropboxEmulator, type DropboxEmulator } from './index.ts'
import { APP_KEY, REDIRECT_URI, json, linkAccount, rpc } from './link-account.ts'

const START = '/2/files/upload_session/start'
const APPEND = '/2/files/upload_session/append_v2'
const BATCH = '/2/files/upload_session/finish_batch_v2'

let emulator: DropboxEmulator
let token: string
beforeAll(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  token = (await linkAccount(emulator)).accessToken
})
afterAll(() => emulator.close())

/** A session holding `data`, closed by its start unless told otherwise. */
async function session(data: Uint8Array, close = true): Promise<string> {
  const response = await contentCall(emulator, START, token, { close }, data)
  if (response.status !== 200) throw new Error(await response.text())
  return ((await response.json()) as { session_id: string }).session_id
}

function entry(sessionId: string, offset: number, path: string, extra = {}) {
  return { cursor: { session_id: sessionId, offset }, commit: { path, ...extra } }
}

type Entry = Record<string, unknown> & { '.tag': string }

async function batch(entries: unknown[]): Promise<Entry[]> {
  const response = await rpc(emulator, BATCH, token, json({ entries }))
  if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`)
  return ((await response.json()) as { entries: Entry[] }).entries
}

function storedBytes(path: string): Buffer | undefined {
  const stored = emulator.files().get(path.toLowerCase())
  return stored && readFileSync(stored.localPath)
}

describe('upload_session/finish_batch_v2', () => {
  it('commits every closed session individually and answers each entry in order', async () => {
    const files = [randomBytes(3000), randomBytes(0), randomBytes(70_000)]
    const ids = await Promise.all(files.map((data) => session(data)))
    const from = emulator.requests.length
    const results = await batch(ids.map((id, i) => entry(id, files[i]!.length, `/batch/ok-${i}`)))
    expect(results.map((r) => [r['.tag'], r.path_display, r.size, r.content_hash])).toEqual(
      files.map((data, i) => ['success', `/batch/ok-${i}`, data.length, contentHashOf(data)]),
    )
    files.forEach((data, i) => expect(storedBytes(`/batch/ok-${i}`)).toEqual(data))
    expect(emulator.requests.slice(from).map((r) => r.batchEntries)).toEqual([3])
  })

  it('fails only the entries whose session is open, unknown, at another offset or conflicting', async () => {
    const data = randomBytes(5000)
    const open = await session(data, false)
    const good = await session(data)
    const shortOffset = await session(data)
    const conflicting = await session(randomBytes(10))
    await batch([entry(await session(randomBytes(20)), 20, '/batch/taken')])
    const results = await batch([
      entry(open, 5000, '/batch/open'),
      entry('pid_upload_session:nope', 0, '/batch/unknown'),
      entry(good, 5000, '/batch/good'),
      entry(shortOffset, 4000, '/batch/offset'),
      entry(conflicting, 10, '/batch/taken'),
    ])
    expect(results).toEqual([
      {
        '.tag': 'failure',
        failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } },
      },
      {
        '.tag': 'failure',
        failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
      },
      expect.objectContaining({ '.tag': 'success', path_display: '/batch/good' }),
      {
        '.tag': 'failure',
        failure: {
          '.tag': 'lookup_failed',
          lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 5000 },
        },
      },
      {
        '.tag': 'failure',
        failure: { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
      },
    ])
    expect(storedBytes('/batch/good')).toEqual(data)
    expect(storedBytes('/batch/open')).toBeUndefined()
    expect(storedBytes('/batch/offset')).toBeUndefined()
    expect(storedBytes('/batch/taken')).toHaveLength(20)
    // The open session is still usable: closing it lets the next batch commit it.
    const closed = await contentCall(emulator, APPEND, token, {
      cursor: { session_id: open, offset: 5000 },
      close: true,
    })
    expect(closed.status).toBe(200)
    expect((await batch([entry(open, 5000, '/batch/open')]))[0]!['.tag']).toBe('success')
    expect(storedBytes('/batch/open')).toEqual(data)
  })

  it('answers a committed session not_found, so a batch sent twice stores each file once', async () => {
    const data = randomBytes(1234)
    const id = await session(data)
    expect((await batch([entry(id, 1234, '/batch/twice')]))[0]!['.tag']).toBe('success')
    expect(await batch([entry(id, 1234, '/batch/twice')])).toEqual([
      {
        '.tag': 'failure',
        failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
      },
    ])
    expect(storedBytes('/batch/twice')).toEqual(data)
  })

  it('gives each entry its own queued too_many_write_operations, failing only those entries', async () => {
    const files = [randomBytes(100), randomBytes(200), randomBytes(300)]
    const ids = await Promise.all(files.map((data) => session(data)))
    emulator.injectFault(BATCH, { kind: 'too_many_write_operations' }, 2)
    const entries = ids.map((id, i) => entry(id, files[i]!.length, `/batch/busy-${i}`))
    const results = await batch(entries)
    expect(results.map((r) => r['.tag'])).toEqual(['failure', 'failure', 'success'])
    expect(results[0]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'too_many_write_operations' },
    })
    expect(storedBytes('/batch/busy-0')).toBeUndefined()
    expect(storedBytes('/batch/busy-2')).toEqual(files[2])
    // The failed entries' sessions are untouched: the same entries go through next time.
    const retried = await batch(entries.slice(0, 2))
    expect(retried.map((r) => r['.tag'])).toEqual(['success', 'success'])
    expect(storedBytes('/batch/busy-1')).toEqual(files[1])
  })

  it('refuses more than 1000 entries, unknown fields and a missing list with a 400', async () => {
    const id = await session(randomBytes(1))
    const many = Array.from({ length: 1001 }, (_, i) => entry(id, 1, `/batch/many-${i}`))
    const tooMany = await rpc(emulator, BATCH, token, json({ entries: many }))
    expect(tooMany.status).toBe(400)
    expect(await tooMany.text()).toMatch(/more than 1000/)
    const typo = await rpc(
      emulator,
      BATCH,
      token,
      json({ entries: [{ ...entry(id, 1, '/x'), autorename: false }] }),
    )
    expect(typo.status).toBe(400)
    expect(await typo.text()).toMatch(/unknown field 'entries\[0\]\.autorename'/)
    const missing = await rpc(emulator, BATCH, token, json({}))
    expect(missing.status).toBe(400)
    const asUpload = await contentCall(emulator, BATCH, token, { entries: [] })
    expect(asUpload.status).toBe(400)
    expect(emulator.files().has('/batch/many-0')).toBe(false)
    // Exactly 1000 is allowed; the one session commits once and the rest find it gone.
    const thousand = await batch(many.slice(0, 1000))
    expect(thousand.filter((r) => r['.tag'] === 'success')).toHaveLength(1)
  })

  it('checks a content_hash against the bytes of the call, which carries none', async () => {
    const data = randomBytes(64)
    const id = await session(data)
    const wrong = await batch(
      [entry(id, 64, '/batch/hash', {})].map((e) => ({ ...e, content_hash: contentHashOf(data) })),
    )
    expect(wrong).toEqual([{ '.tag': 'failure', failure: { '.tag': 'content_hash_mismatch' } }])
    const empty = contentHashOf(new Uint8Array(0))
    const right = await batch([{ ...entry(id, 64, '/batch/hash'), content_hash: empty }])
    expect(right[0]!['.tag']).toBe('success')
  })
})
