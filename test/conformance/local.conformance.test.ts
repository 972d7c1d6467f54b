import { readdirSync, statSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { localProvider } from '../../src/main/providers/local/local-provider.ts'
import { LOCAL_DESTINATION_ID } from '../../src/shared/provider-settings.ts'
import { MIB } from '../support/backup-files.ts'
import { tempDir } from '../support/cli-process.ts'
import type { ConformanceTarget } from './harness.ts'
import { describeConformance } from './suite.ts'

/**
 * A local (or NAS) folder, set with FTB_LOCAL_DESTINATION as a user sets it. There is no server
 * to count what arrives, so bytesReceived samples the folder: the largest size seen of each file
 * (by inode and birth time), summed. A copy continued after a crash grows the same temp file, which becomes the
 * backup by a link; a copy started over is a new inode and counts again.
 */
const localTarget: ConformanceTarget = {
  name: 'local folder',
  provider: localProvider,
  unsupported: {
    fullAccount:
      'filling a real disk is no test to run on a shared machine; ENOSPC → insufficient_space is covered in local-errors.test.ts',
    revokedCredentials: 'a local folder has no credentials to revoke',
    accessTokenExpiry: 'a local folder has no access token to expire',
    listedChecksum:
      'a folder keeps no checksum beside a file; the restore checks the one recorded at upload',
  },
  async start() {
    const folder = tempDir('conformance-nas')
    const sizes = new Map<string, number>()
    const sample = () => {
      for (const path of filesBelow(folder)) {
        const info = statSync(path, { throwIfNoEntry: false })
        // The inode number of a deleted temp file is soon given to the next one: with its birth
        // time it names one file.
        const key = info && `${info.ino}@${info.birthtimeMs}`
        if (key) sizes.set(key, Math.max(sizes.get(key) ?? 0, info.size))
      }
      return [...sizes.values()].reduce((sum, size) => sum + size, 0)
    }
    // Between the test's own looks, so a temp file that comes and goes is still seen.
    const sampler = setInterval(sample, 5)
    return {
      async connectHome() {
        const home = tempDir('conformance-home')
        const env = { FTB_HOME: home, FTB_LOCAL_DESTINATION: folder, DROPBOX_APP_KEY: '' }
        return { env, home, connectionId: LOCAL_DESTINATION_ID }
      },
      async stored(remotePath) {
        if (relative(folder, remotePath).startsWith('..')) return undefined
        return readFile(remotePath).catch(() => undefined)
      },
      bytesReceived: sample,
      async revokeCredentials() {
        throw new Error('a local folder has no credentials to revoke')
      },
      resumesAfterRestart: true,
      // The copy is synced, and its offset saved, every 32 MiB (CHECKPOINT_BYTES): four of them.
      largeFileBytes: 128 * MIB + 4321,
      async close() {
        clearInterval(sampler)
        await rm(folder, { recursive: true, force: true })
      },
    }
  },
}

/** Every file below `dir`, temp files included; entries that vanish meanwhile are skipped. */
function filesBelow(dir: string): string[] {
  const entries = (() => {
    try {
      return readdirSync(dir, { withFileTypes: true })
    } catch {
      return []
    }
  })()
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return filesBelow(path)
    return entry.isFile() ? [path] : []
  })
}

describeConformance(localTarget)
