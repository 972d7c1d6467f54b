import { open, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { tarXzOf, zipOf } from './archive-bytes.ts'
import { backupBytes, dropboxContentHashOf, seededRandom } from './backup-files.ts'

/** One complete version of a backup as it was written: enough to recognise and rebuild it. */
export interface Version {
  name: string
  size: number
  /** Dropbox's content_hash of the whole file (also used for the local copies). */
  contentHash: string
  /** Rebuilds the bytes (to tell a truncated copy of this version from garbage). */
  bytes(): Buffer
}

export type WriteStyle = 'rename' | 'slow'

/** The bytes of a real, complete archive of the kind its name says, around seeded content. */
export function archiveBytes(name: string, payloadSize: number, seed: number): Buffer {
  const payload = backupBytes(payloadSize, seed)
  return name.endsWith('.zip')
    ? zipOf('fermentrack.sql', payload)
    : tarXzOf('fermentrack.sql', payload)
}

/**
 * Writes backups into the watched folder the ways Fermentrack can: to a temp name outside the
 * patterns, then renamed into place ('rename'); or in place, in pieces with short pauses between
 * them, then closed ('slow'; what is in the file meanwhile is an incomplete archive). Remembers
 * every complete version, per name, in the order written.
 */
export class BackupWriter {
  readonly versions = new Map<string, Version[]>()
  /** Bytes written in all, to keep a run small. */
  written = 0
  private readonly busy = new Map<string, Promise<void>>()

  private readonly dir: string
  /** Longest pause between two pieces of a slow write; keep it well under the settle time. */
  private readonly maxGapMs: number

  constructor(dir: string, maxGapMs: number) {
    this.dir = dir
    this.maxGapMs = maxGapMs
  }

  /**
   * Writes a new version of `name` (after the write of it still under way, if any); resolves
   * when it is complete and closed.
   */
  write(name: string, payloadSize: number, seed: number, style: WriteStyle): Promise<void> {
    const before = this.busy.get(name) ?? Promise.resolve()
    const bytes = archiveBytes(name, payloadSize, seed)
    this.written += bytes.length
    const version: Version = {
      name,
      size: bytes.length,
      contentHash: dropboxContentHashOf(bytes),
      bytes: () => archiveBytes(name, payloadSize, seed),
    }
    const path = join(this.dir, name)
    const done = before
      .then(() => (style === 'rename' ? this.renamed(path, bytes) : this.slowly(path, bytes, seed)))
      .then(() => {
        const list = this.versions.get(name) ?? []
        list.push(version)
        this.versions.set(name, list)
      })
      .finally(() => {
        if (this.busy.get(name) === done) this.busy.delete(name)
      })
    this.busy.set(name, done)
    return done
  }

  /** Resolves once every write started so far is complete. */
  async idle(): Promise<void> {
    while (this.busy.size > 0) await Promise.all(this.busy.values())
  }

  private async renamed(path: string, bytes: Buffer): Promise<void> {
    const temp = join(this.dir, `.${path.slice(this.dir.length + 1)}.part`)
    await writeFile(temp, bytes)
    await rename(temp, path).catch(async (error: unknown) => {
      await rm(temp, { force: true })
      throw error
    })
  }

  /** Pieces and pauses come from the write's own seed, so they don't depend on timing. */
  private async slowly(path: string, bytes: Buffer, seed: number): Promise<void> {
    const random = seededRandom(seed)
    const pieces = 3 + Math.floor(random() * 6)
    const step = Math.ceil(bytes.length / pieces) || 1
    const handle = await open(path, 'w')
    try {
      for (let at = 0; at < bytes.length; at += step) {
        if (at > 0) await sleep(Math.round(random() * this.maxGapMs))
        await handle.write(bytes, at, Math.min(step, bytes.length - at), at)
      }
    } finally {
      await handle.close()
    }
  }
}
