import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  openConnection,
  restoreThroughCli,
  type Home,
} from '../../../conformance/conformance-steps.ts'
import type { GraphEmulator } from '../../../emulators/graph/index.ts'
import { writeBackup } from '../../../support/backup-files.ts'
import { tempDir } from '../../../support/cli-process.ts'
import { connectedOneDrive } from '../../../support/onedrive-fixture.ts'

/** Larger than a simple upload takes, so it goes through an upload session. */
const LARGE = 5 * 1024 * 1024 + 99

let emulator: GraphEmulator
let home: Home
const dir = tempDir('od-sha1')

beforeAll(async () => {
  // A personal drive whose files report sha1Hash but no sha256Hash (nor quickXorHash).
  ;({ emulator, home } = await connectedOneDrive({ driveType: 'personal', personalSha256: false }))
}, 60_000)
afterAll(async () => {
  await emulator?.close()
  await rm(dir, { recursive: true, force: true })
})

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex')

describe('OneDrive where Graph reports only sha1Hash', () => {
  it('verifies uploads (simple and by session) against SHA-1, and finds the same bytes already there by it', async () => {
    const c = await openConnection(home)
    try {
      for (const [name, size] of [
        ['small.tar.xz', 2000],
        ['large.tar.xz', LARGE],
      ] as const) {
        const path = await writeBackup(dir, name, size, size % 97)
        const bytes = await readFile(path)
        const placed = await c.upload(path)
        expect(placed.checksum).toEqual({ algorithm: 'sha1', value: sha1(bytes) })
        expect(placed.verifiedBy).toMatch(/SHA-1/)
        expect(emulator.stored(placed.remotePath)?.bytes.equals(bytes)).toBe(true)

        const from = emulator.requests.length
        const again = await c.upload(path)
        expect(again).toMatchObject({ remotePath: placed.remotePath, alreadyPresent: true })
        expect(emulator.requests.slice(from).filter((r) => r.method === 'PUT')).toEqual([])
      }
      const listed = await c.provider.list(c.credentials, c.folder, c.context)
      const small = listed.find((e) => e.name === 'small.tar.xz')
      expect(small?.checksum).toEqual({
        algorithm: 'sha1',
        value: sha1(await readFile(`${dir}/small.tar.xz`)),
      })
    } finally {
      await c.close()
    }
  })

  it('restores a file and checks it against the SHA-1 Graph reports', async () => {
    const to = tempDir('od-sha1-restore')
    try {
      const restored = await restoreThroughCli(home, 'large.tar.xz', to)
      expect(restored.code, restored.stderr).toBe(0)
      expect(restored.report).toMatchObject({ verified: true })
      const back = await readFile(restored.report!.local_path)
      expect(back.equals(await readFile(`${dir}/large.tar.xz`))).toBe(true)
    } finally {
      await rm(to, { recursive: true, force: true })
    }
  })
})
