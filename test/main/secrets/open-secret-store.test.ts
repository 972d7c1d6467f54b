import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, type Logger } from '../../../src/main/log/logger.ts'
import { openSecretStore, secretStoreKind } from '../../../src/main/secrets/open-secret-store.ts'

describe('openSecretStore', () => {
  let scratch: string
  let logFile: string
  let log: Logger
  const logged = () =>
    readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ftb-open-secrets-'))
    logFile = join(scratch, 'log.jsonl')
    log = createLogger({ file: logFile, level: 'debug' })
  })

  afterEach(() => rmSync(scratch, { recursive: true, force: true }))

  it('opens the file store with an UNENCRYPTED warning, returned and logged', async () => {
    const home = join(scratch, 'home')
    const path = join(home, 'secrets.json')
    const { store, warning } = await openSecretStore({ kind: 'file', home, log })
    expect(store.kind).toBe('file')
    expect(warning).toBe(
      `Tokens are stored UNENCRYPTED in ${path} (FTB_SECRET_STORE=file). Use the OS keychain where one is available.`,
    )
    expect(logged()).toContainEqual(expect.objectContaining({ level: 'warn', message: warning }))
    await store.set('conn-1', 'token-1')
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  // Needs the Secret Service that scripts/run-tests.sh provides.
  it('opens the keychain store after checking it, with no warning', async () => {
    const { store, warning } = await openSecretStore({ kind: 'keychain', home: scratch, log })
    expect(store.kind).toBe('keychain')
    expect(warning).toBeUndefined()
  })
})

describe('secretStoreKind', () => {
  it('defaults to the keychain', () => {
    expect(secretStoreKind({})).toBe('keychain')
  })

  it('follows the setting when the environment says nothing', () => {
    expect(secretStoreKind({}, 'file')).toBe('file')
    expect(secretStoreKind({ FTB_SECRET_STORE: '' }, 'file')).toBe('file')
  })

  it('lets FTB_SECRET_STORE win over the setting', () => {
    expect(secretStoreKind({ FTB_SECRET_STORE: 'file' }, 'keychain')).toBe('file')
    expect(secretStoreKind({ FTB_SECRET_STORE: 'keychain' }, 'file')).toBe('keychain')
  })

  it.each(['plain', 'File', ' file', 'none'])(
    'refuses FTB_SECRET_STORE=%j as a usage error',
    (value) => {
      expect(() => secretStoreKind({ FTB_SECRET_STORE: value }, 'file')).toThrow(
        expect.objectContaining({
          code: 'usage',
          message: expect.stringMatching(
            /^FTB_SECRET_STORE must be "keychain", "keyring-napi" or "file"\. /,
          ),
        }),
      )
    },
  )
})
