import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { quickXorHashOfFile } from '../../../../src/main/providers/onedrive/quick-xor-file.ts'
import {
  QuickXorHash,
  quickXorHashOf,
} from '../../../../src/main/providers/onedrive/quick-xor-hash.ts'
import { quickXorOf } from '../../../emulators/graph/quick-xor.ts'
import { tempDir } from '../../../support/cli-process.ts'

const dir = tempDir('quickxor')
afterAll(() => rm(dir, { recursive: true, force: true }))

/** rclone's QuickXorHash of a file (its own Go implementation), hex as `rclone hashsum` prints it. */
async function rcloneQuickXor(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)('rclone', ['hashsum', 'quickxor', path], {
    env: { ...process.env, RCLONE_CONFIG: join(dir, 'rclone.conf') },
  })
  return stdout.split(/\s+/)[0]!
}

/** Published vectors (input and digest in base64), as rclone's quickxorhash tests list them. */
const VECTORS: Array<[string, string]> = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['0pZP', '0rDEEwAAAAAAAAAAAwAAAAAAAAA='],
  ['jRRDVA==', 'jaDAEKgAAAAAAAAABAAAAAAAAAA='],
  ['eAV52qE=', 'eChAHrQRCgAAAAAABQAAAAAAAAA='],
  ['luBZlaT6', 'lgBHFipBCn0AAAAABgAAAAAAAAA='],
  ['qaApEj66lw==', 'qQBFCiTgA11cAgAABwAAAAAAAAA='],
  ['/aNzzCFPS/A=', '/RjFHJgRgicsAR4ACAAAAAAAAAA='],
]

describe('quickXorHash', () => {
  it.each(VECTORS)('hashes %s to the published digest %s', (input, digest) => {
    expect(quickXorHashOf(Buffer.from(input, 'base64'))).toBe(digest)
  })

  it('agrees with the emulator’s separately written hash past the register’s wrap-around', () => {
    for (const size of [159, 160, 161, 4099, 333_333]) {
      const bytes = randomBytes(size)
      expect(quickXorHashOf(bytes), `${size} bytes`).toBe(quickXorOf(bytes))
    }
  })

  it('gives the same digest fed in chunks of any size as in one piece', () => {
    const bytes = randomBytes(100_003)
    const whole = quickXorHashOf(bytes)
    for (const step of [1, 7, 160, 327_680]) {
      const hash = new QuickXorHash()
      for (let at = 0; at < bytes.length; at += step) hash.update(bytes.subarray(at, at + step))
      expect(hash.digest(), `chunks of ${step}`).toBe(whole)
    }
  })

  it.each([0, 1, 159, 160, 161, 20 * 1024, 1024 * 1024 + 13])(
    'agrees with rclone’s QuickXorHash on a file of %i bytes',
    async (size) => {
      const path = join(dir, `${size}.bin`)
      await writeFile(path, randomBytes(size))
      const ours = Buffer.from(await quickXorHashOfFile(path), 'base64').toString('hex')
      expect(ours).toBe(await rcloneQuickXor(path))
    },
  )
})
