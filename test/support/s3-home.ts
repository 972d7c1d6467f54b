import { runCli, tempDir, type CliResult } from './cli-process.ts'
import type { S3Emulator } from '../emulators/s3/server.ts'

export const S3_SECRET = 'emulator-secret-access-key-0001'

/** The `connect s3` command line for the emulator (the secret goes on stdin). */
export function connectS3Args(emulator: S3Emulator, extra: string[] = []): string[] {
  return [
    'connect',
    's3',
    '--endpoint',
    emulator.endpoint,
    '--region',
    emulator.region,
    '--bucket',
    emulator.bucket,
    '--path-style',
    '--access-key-id',
    emulator.accessKeyId,
    '--secret-access-key-stdin',
    '--json',
    ...extra,
  ]
}

/** A fresh FTB_HOME with the owner-only file secret store, so tests can read what was kept. */
export function s3Env(): NodeJS.ProcessEnv {
  return { FTB_HOME: tempDir('home'), FTB_SECRET_STORE: 'file' }
}

/** `connect s3` through the real CLI, as a user types it; returns the connection id. */
export async function connectS3(
  emulator: S3Emulator,
  env: NodeJS.ProcessEnv,
  secret = S3_SECRET,
): Promise<{ result: CliResult; connectionId: string }> {
  const result = await runCli(connectS3Args(emulator), env, `${secret}\n`)
  if (result.code !== 0) return { result, connectionId: '' }
  return {
    result,
    connectionId: (JSON.parse(result.stdout) as { connection_id: string }).connection_id,
  }
}
