import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error.ts'
import type {
  Credentials,
  DownloadOptions,
  Provider,
  ProviderContext,
  RemoteEntry,
} from '../../../src/main/providers/provider.ts'
import { localProvider } from '../../../src/main/providers/local/local-provider.ts'
import {
  downloadPartial,
  partialPath,
  RestoreStopped,
} from '../../../src/main/restore/partial-download.ts'
import { backupBytes } from '../../support/backup-files.ts'
import { tempDir } from '../../support/cli-process.ts'

const made: string[] = []
afterEach(() => {
  for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true })
})

const SIZE = 300_000
const NAME = 'dbBackup-Fermentrack_2026-05-01T08.00.00.tar.xz'

/**
 * The real local provider over a real folder, with one fault in front of it, as the emulators
 * inject them: the first `cuts` downloads stop after `cutAt` bytes with `failure`, what arrived
 * staying on disk, as a dropped connection leaves it. Every offset asked for is noted.
 */
async function destination(fault: { cuts: number; cutAt: number; failure: () => Error }) {
  const nas = tempDir('partial-nas')
  const to = tempDir('partial-to')
  made.push(nas, to)
  await mkdir(join(nas, 'Backups'))
  const bytes = backupBytes(SIZE, 4)
  writeFileSync(join(nas, 'Backups', NAME), bytes)
  const credentials = { connectionId: 'local', config: { folder: nas } } as unknown as Credentials
  const context = {} as ProviderContext
  const [entry] = await localProvider.list(credentials, '/Backups', context)
  const offsets: number[] = []
  let cuts = fault.cuts
  const provider: Provider = {
    ...localProvider,
    async download(creds, remotePath, target, ctx, options: DownloadOptions = {}) {
      offsets.push(options.offset ?? 0)
      if (cuts-- <= 0) return localProvider.download(creds, remotePath, target, ctx, options)
      const cut = new AbortController()
      await localProvider
        .download(creds, remotePath, target, ctx, {
          ...options,
          signal: cut.signal,
          onProgress: (done) => {
            if (done >= fault.cutAt) cut.abort()
          },
        })
        .catch(() => {})
      throw fault.failure()
    },
  }
  return {
    bytes,
    offsets,
    entry: entry as RemoteEntry,
    partial: partialPath(to, entry as RemoteEntry),
    connection: { provider, credentials, context },
  }
}

describe('downloadPartial', () => {
  it('after a network failure mid-download, asks again from the bytes on disk', async () => {
    const d = await destination({
      cuts: 1,
      cutAt: 100_000,
      failure: () => new AppError('network'),
    })
    const progress: number[] = []
    await downloadPartial({
      ...d,
      random: () => 0,
      onProgress: (done, size) => {
        expect(size).toBe(SIZE)
        progress.push(done)
      },
    })
    expect(d.offsets).toHaveLength(2)
    expect(d.offsets[0]).toBe(0)
    // The second request starts where the first one's bytes end on disk, not at 0.
    expect(d.offsets[1]).toBeGreaterThanOrEqual(100_000)
    expect(readFileSync(d.partial).equals(d.bytes)).toBe(true)
    expect(progress.at(-1)).toBe(SIZE)
  })

  it('continues a partial an earlier run left, and asks for nothing when it is complete', async () => {
    const d = await destination({ cuts: 0, cutAt: 0, failure: () => new Error('unused') })
    writeFileSync(d.partial, d.bytes.subarray(0, 123_456))
    await downloadPartial(d)
    expect(d.offsets).toEqual([123_456])
    expect(readFileSync(d.partial).equals(d.bytes)).toBe(true)
    await downloadPartial(d)
    expect(d.offsets).toEqual([123_456])
  })

  it('does not retry a failure that will not pass, and keeps what arrived', async () => {
    const d = await destination({
      cuts: 1,
      cutAt: 50_000,
      failure: () => new AppError('needs_reauth'),
    })
    await expect(downloadPartial({ ...d, random: () => 0 })).rejects.toMatchObject({
      code: 'needs_reauth',
    })
    expect(d.offsets).toEqual([0])
    expect(statSync(d.partial).size).toBeGreaterThanOrEqual(50_000)
  })

  it('stopped by its signal: RestoreStopped with the bytes kept on disk', async () => {
    const d = await destination({ cuts: 0, cutAt: 0, failure: () => new Error('unused') })
    const stop = new AbortController()
    const stopped = await downloadPartial({
      ...d,
      signal: stop.signal,
      onProgress: (done) => {
        if (done >= 64 * 1024) stop.abort()
      },
    }).catch((error: unknown) => error)
    expect(stopped).toBeInstanceOf(RestoreStopped)
    const kept = (stopped as RestoreStopped).bytesKept
    expect(kept).toBe(statSync(d.partial).size)
    expect(kept).toBeLessThan(SIZE)
    expect(existsSync(d.partial)).toBe(true)
  })
})
