import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, type Logger } from '../../../src/main/log/logger.ts'
import { createFileStore } from '../../../src/main/secrets/file-store.ts'

const modeOf = (path: string) => statSync(path).mode & 0o777

describe('file secret store', () => {
  let scratch: string
  let home: string
  let logFile: string
  let log: Logger
  const logged = () =>
    readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ftb-file-store-'))
    home = join(scratch, 'home')
    logFile = join(scratch, 'log.jsonl')
    log = createLogger({ file: logFile, level: 'debug' })
  })

  afterEach(() => rmSync(scratch, { recursive: true, force: true }))

  it('writes secrets.json as 0600 in a 0700 folder, and reads values back', async () => {
    const store = createFileStore({ home, log })
    expect(store.path).toBe(join(home, 'secrets.json'))
    await store.set('conn-1', 'token-1')
    expect(modeOf(store.path)).toBe(0o600)
    expect(modeOf(home)).toBe(0o700)
    expect(await store.get('conn-1')).toBe('token-1')
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ 'conn-1': 'token-1' })
  })

  it('keeps accounts apart, overwrites, and deletes', async () => {
    const store = createFileStore({ home, log })
    await store.set('a', 'token-a')
    await store.set('b', 'token-b')
    await store.set('a', 'token-a2')
    expect(await store.delete('a')).toBe(true)
    expect(await store.get('a')).toBeNull()
    expect(await store.get('b')).toBe('token-b')
    expect(modeOf(store.path)).toBe(0o600)
  })

  it('answers null and false for an account it does not hold, even before any file exists', async () => {
    const store = createFileStore({ home, log })
    expect(await store.get('nobody')).toBeNull()
    expect(await store.delete('nobody')).toBe(false)
    await store.set('a', 'token-a')
    // Names that exist on every plain object must not leak through as secrets.
    expect(await store.get('toString')).toBeNull()
    expect(await store.get('__proto__')).toBeNull()
  })

  it('round-trips unicode, 8 KiB values and odd account names', async () => {
    const store = createFileStore({ home, log })
    const unicode = 'Bière ünd 日本酒 🍺 — "quotes" \\ back\nline'
    const long = 'x'.repeat(8192)
    await store.set('ünïcode', unicode)
    await store.set('__proto__', long)
    const reopened = createFileStore({ home, log })
    expect(await reopened.get('ünïcode')).toBe(unicode)
    expect(await reopened.get('__proto__')).toBe(long)
  })

  it('loses no write when sets overlap, and leaves no temp files behind', async () => {
    const store = createFileStore({ home, log })
    const ids = Array.from({ length: 20 }, (_, i) => `conn-${i}`)
    await Promise.all(ids.map((id) => store.set(id, `token-${id}`)))
    for (const id of ids) expect(await store.get(id)).toBe(`token-${id}`)
    expect(readdirSync(home)).toEqual(['secrets.json'])
  })

  it('narrows a token file readable by others to 0600 and logs it', async () => {
    mkdirSync(home, { mode: 0o700 })
    const path = join(home, 'secrets.json')
    writeFileSync(path, JSON.stringify({ 'conn-1': 'token-1' }))
    chmodSync(path, 0o644)
    const store = createFileStore({ home, log })
    expect(await store.get('conn-1')).toBe('token-1')
    expect(modeOf(path)).toBe(0o600)
    expect(logged()).toContainEqual(
      expect.objectContaining({ level: 'warn', file: path, mode: '644' }),
    )
  })

  it('narrows a home folder open to others to 0700 when it writes', async () => {
    mkdirSync(home)
    chmodSync(home, 0o755)
    await createFileStore({ home, log }).set('conn-1', 'token-1')
    expect(modeOf(home)).toBe(0o700)
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', folder: home }))
  })

  it('reports damaged JSON as secret_store_invalid naming the file, without quoting it', async () => {
    mkdirSync(home, { mode: 0o700 })
    const path = join(home, 'secrets.json')
    writeFileSync(path, '{"conn-1": "tok-SECRET-123', { mode: 0o600 })
    const error = await createFileStore({ home, log })
      .get('conn-1')
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'secret_store_invalid' })
    expect((error as Error).message).toContain(path)
    expect((error as Error).message).not.toContain('tok-SECRET')
    expect(String((error as Error).cause)).not.toContain('tok-SECRET')
  })

  it.each([['[]'], ['"token"'], ['{"conn-1": 42}'], ['{"conn-1": ""}'], ['null']])(
    'reports %s as not a map of tokens',
    async (text) => {
      mkdirSync(home, { mode: 0o700 })
      writeFileSync(join(home, 'secrets.json'), text, { mode: 0o600 })
      await expect(createFileStore({ home, log }).get('conn-1')).rejects.toMatchObject({
        code: 'secret_store_invalid',
        message: expect.stringContaining(join(home, 'secrets.json')),
      })
    },
  )

  it('on set, keeps a damaged file aside (still 0600) and starts a new one', async () => {
    mkdirSync(home, { mode: 0o700 })
    const path = join(home, 'secrets.json')
    writeFileSync(path, '{"old": "tok', { mode: 0o600 })
    const store = createFileStore({ home, log })
    await store.set('conn-1', 'token-1')
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ 'conn-1': 'token-1' })
    const aside = readdirSync(home).filter((name) => name.startsWith('secrets.json.damaged-'))
    expect(aside).toHaveLength(1)
    const kept = join(home, aside[0]!)
    expect(readFileSync(kept, 'utf8')).toBe('{"old": "tok')
    expect(modeOf(kept)).toBe(0o600)
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', keptAs: kept }))
  })

  it('reports a token file it cannot read as secret_store_invalid naming the file', async () => {
    mkdirSync(join(home, 'secrets.json'), { recursive: true })
    await expect(createFileStore({ home, log }).get('conn-1')).rejects.toMatchObject({
      code: 'secret_store_invalid',
      message: expect.stringContaining('could not be read'),
    })
  })

  it('rejects empty accounts and secrets', async () => {
    const store = createFileStore({ home, log })
    await expect(store.get('')).rejects.toThrow(TypeError)
    await expect(store.set('conn-1', '')).rejects.toThrow(TypeError)
  })
})
