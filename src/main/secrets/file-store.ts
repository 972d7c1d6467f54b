import { open, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import { ensureOwnerOnlyDir, isWiderThanOwner, writeOwnerOnlyFile } from '../fs/owner-only-file.ts'
import { assertSecretArgs, type SecretStore } from './secret-store.ts'

export interface FileStore extends SecretStore {
  readonly kind: 'file'
  readonly path: string
}

type Secrets = Map<string, string>

/** Marks a file that is there but cannot be parsed: set() may move it aside, get() may not. */
class DamagedFile extends AppError {}

/**
 * Tokens in `<home>/secrets.json`, a `{ [account]: secret }` map, unencrypted but owner-only
 * (file 0600, directory 0700). For headless machines without a Secret Service.
 *
 * A file found readable by others is narrowed to 0600 and a warning logged, rather than refused:
 * the exposure has already happened, and narrowing stops it without locking the user out.
 * If it cannot be narrowed (not ours), it is refused.
 */
export function createFileStore({ home, log }: { home: string; log: Logger }): FileStore {
  const path = join(home, 'secrets.json')
  // Read-modify-write must not interleave within this process.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run, run)
    queue = result.catch(() => {})
    return result
  }

  const read = async (): Promise<Secrets> => {
    let text: string
    try {
      text = await readOwnerOnly(path, log)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw error instanceof AppError ? error : unreadable(path, error)
    }
    return parse(path, text)
  }

  const write = async (secrets: Secrets) => {
    try {
      if (await ensureOwnerOnlyDir(home)) {
        log.warn('Narrowed the home folder to owner-only (0700)', { folder: home })
      }
      await writeOwnerOnlyFile(path, JSON.stringify(Object.fromEntries(secrets), null, 2) + '\n')
    } catch (cause) {
      throw new AppError('secret_store_invalid', `The token file ${path} could not be written.`, {
        cause,
      })
    }
  }

  return {
    kind: 'file',
    path,
    async get(account) {
      assertSecretArgs(account)
      return serial(async () => (await read()).get(account) ?? null)
    },
    async set(account, secret) {
      assertSecretArgs(account, secret)
      return serial(async () => {
        const secrets = await read().catch((error: unknown) => setAside(path, error, log))
        secrets.set(account, secret)
        await write(secrets)
      })
    },
    async delete(account) {
      assertSecretArgs(account)
      return serial(async () => {
        const secrets = await read()
        if (!secrets.delete(account)) return false
        await write(secrets)
        return true
      })
    },
  }
}

async function readOwnerOnly(path: string, log: Logger): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const { mode } = await handle.stat()
    if (isWiderThanOwner(mode)) {
      try {
        await handle.chmod(0o600)
      } catch (cause) {
        throw new AppError(
          'secret_store_invalid',
          `The token file ${path} is readable by other users and could not be made owner-only.`,
          { cause },
        )
      }
      log.warn('The token file was readable by other users; made it owner-only (0600)', {
        file: path,
        mode: (mode & 0o777).toString(8),
      })
    }
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}

function parse(path: string, text: string): Secrets {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    // No `cause` on purpose: V8's SyntaxError quotes the file's text, which holds tokens.
    throw new DamagedFile('secret_store_invalid', `The token file ${path} is not valid JSON.`)
  }
  const entries = isRecord(data) ? Object.entries(data) : []
  if (!isRecord(data) || entries.some(([, value]) => typeof value !== 'string' || value === '')) {
    throw new DamagedFile(
      'secret_store_invalid',
      `The token file ${path} is not a map of connection ids to tokens.`,
    )
  }
  return new Map(entries as Array<[string, string]>)
}

/**
 * Reconnecting is the fix the error table gives for a damaged file, so set() must be able to
 * start afresh; the damaged file is kept next to it (still 0600) for a restore by hand.
 */
async function setAside(path: string, error: unknown, log: Logger): Promise<Secrets> {
  if (!(error instanceof DamagedFile)) throw error
  const aside = `${path}.damaged-${Date.now()}`
  await rename(path, aside).catch((cause: unknown) => {
    throw unreadable(path, cause)
  })
  log.warn('The token file was damaged; kept it aside and started a new one', {
    file: path,
    keptAs: aside,
  })
  return new Map()
}

function unreadable(path: string, cause: unknown): AppError {
  return new AppError('secret_store_invalid', `The token file ${path} could not be read.`, {
    cause,
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
