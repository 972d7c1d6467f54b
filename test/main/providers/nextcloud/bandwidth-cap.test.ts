import { statSync } from 'node:fs'
import { basename } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { uploadBucket } from '../../../../src/main/net/bandwidth-limit.ts'
import { httpFetch } from '../../../../src/main/net/http-fetch.ts'
import { nextcloudProvider } from '../../../../src/main/providers/nextcloud/nextcloud-provider.ts'
import type { ProviderContext } from '../../../../src/main/providers/provider.ts'
import type { SourceFile } from '../../../../src/main/uploads/uploader.ts'
import {
  startNextcloudEmulator,
  type NextcloudEmulator,
} from '../../../emulators/nextcloud/index.ts'
import { MIB, writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'

let nc: NextcloudEmulator | undefined
afterEach(async () => {
  uploadBucket.setRate(0)
  await nc?.close()
})

/** As the engine builds it: fetch for every call, node:http's uploadFetch for file bytes. */
function context(): ProviderContext {
  return {
    settings: {} as ProviderContext['settings'],
    // Small files in one PUT, 6 MiB ones in chunks (5 MiB is chunking's smallest).
    env: { FTB_NEXTCLOUD_CHUNKED_THRESHOLD: String(1 * MIB) },
    fetch,
    uploadFetch: httpFetch,
    chunkSize: 8 * MIB,
    now: Date.now,
  }
}

async function uploader() {
  nc = await startNextcloudEmulator()
  const emulator = nc
  const done = await nextcloudProvider.connect(
    { fields: { url: nc.url }, onLoginUrl: (url) => emulator.grantLogin(url) },
    context(),
  )
  const credentials = {
    connectionId: 'nextcloud-cap',
    config: done.config,
    tokens: null,
    secret: done.secret,
    rejected: async () => {},
  }
  return nextcloudProvider.uploader(credentials, context())
}

function source(path: string): SourceFile {
  const info = statSync(path)
  return { path, name: basename(path), size: info.size, mtimeMs: info.mtimeMs }
}

const uploadContext = () => ({
  signal: new AbortController().signal,
  onProgress: () => {},
  resume: undefined,
  saveResume: () => {},
})

describe('Nextcloud uploads under the bandwidth cap', () => {
  // A cap far above what the test sends, so that it paces nothing here but still counts.
  const CAP = 1024 * MIB

  it('draws a single PUT’s file bytes from the shared bucket, and nothing else', async () => {
    const nextcloud = await uploader()
    uploadBucket.setRate(CAP)
    const before = uploadBucket.bytesDrawn
    const path = await writeBackup(tempDir('nc-cap'), 'small.tar.xz', 300 * 1024, 5)
    await nextcloud.upload(source(path), '/Backups', uploadContext())
    // Only the file's bytes: the PROPFIND bodies and the MKCOL of the folder are not capped.
    expect(uploadBucket.bytesDrawn - before).toBe(300 * 1024)
    expect(nc!.stored('/Backups/small.tar.xz')?.length).toBe(300 * 1024)
  })

  it('draws every chunk of a chunked upload from it', async () => {
    const nextcloud = await uploader()
    uploadBucket.setRate(CAP)
    const before = uploadBucket.bytesDrawn
    const size = 11 * MIB + 123
    const path = await writeBackup(tempDir('nc-cap'), 'large.tar.xz', size, 6)
    await nextcloud.upload(source(path), '/Backups', uploadContext())
    expect(uploadBucket.bytesDrawn - before).toBe(size)
    expect(nc!.stored('/Backups/large.tar.xz')?.length).toBe(size)
  })
})
