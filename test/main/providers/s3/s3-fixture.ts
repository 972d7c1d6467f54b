import { rmSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { afterEach } from 'vitest'
import type { Credentials, ProviderContext } from '../../../../src/main/providers/provider.ts'
import { s3Provider } from '../../../../src/main/providers/s3/s3-provider.ts'
import type { SourceFile, UploadContext, Uploader } from '../../../../src/main/uploads/uploader.ts'
import { S3Emulator } from '../../../emulators/s3/server.ts'
import { tempDir } from '../../../support/cli-process.ts'

export const MIB = 1024 * 1024

export interface S3Fixture {
  emulator: S3Emulator
  credentials: Credentials
  context: ProviderContext
  /** How often the provider reported the keys as refused. */
  rejections: number
  dir: string
  uploader(): Uploader
}

/** A fresh emulator per test, and credentials for it as `connect s3` would have stored them. */
export function s3FixturePerTest(): (options?: {
  chunkSize?: number
  prefix?: string
}) => Promise<S3Fixture> {
  const open: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of open.splice(0)) await close()
  })
  return async ({ chunkSize = 5 * MIB, prefix = '' } = {}) => {
    const emulator = await S3Emulator.start()
    const dir = tempDir('s3-files')
    open.push(async () => {
      rmSync(dir, { recursive: true, force: true })
      await emulator.close()
    })
    const fixture: S3Fixture = {
      emulator,
      dir,
      rejections: 0,
      credentials: {
        connectionId: 's3-test',
        config: {
          endpoint: emulator.endpoint,
          region: emulator.region,
          bucket: emulator.bucket,
          prefix,
          pathStyle: true,
          accessKeyId: emulator.accessKeyId,
        },
        tokens: null,
        secret: { secretAccessKey: 'emulator-secret-access-key-0001' },
        rejected: async () => {
          fixture.rejections++
        },
      },
      context: { chunkSize } as ProviderContext,
      uploader: () => s3Provider.uploader(fixture.credentials, fixture.context),
    }
    return fixture
  }
}

export async function sourceFile(path: string, name = basename(path)): Promise<SourceFile> {
  const info = await stat(path)
  return { path, name, size: info.size, mtimeMs: info.mtimeMs }
}

/** An upload context that keeps what was saved, with hooks for progress. */
export function uploadContext(
  resume: unknown = undefined,
  onProgress: (bytes: number) => void = () => {},
  signal: AbortSignal = new AbortController().signal,
): UploadContext & { saved: unknown[] } {
  const saved: unknown[] = []
  return {
    signal,
    resume,
    saved,
    onProgress,
    saveResume: (state) => void saved.push(structuredClone(state)),
  }
}

/** Part uploads that the server stored (answered 200), by part number. */
export function storedPartNumbers(emulator: S3Emulator): number[] {
  return emulator.requests
    .filter((r) => r.method === 'PUT' && r.query.has('partNumber') && r.status === 200)
    .map((r) => Number(r.query.get('partNumber')))
}
