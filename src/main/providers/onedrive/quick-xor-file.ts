import { open } from 'node:fs/promises'
import { QuickXorHash } from './quick-xor-hash.ts'

const READ_BYTES = 1024 * 1024

/** A local file's QuickXorHash (a restore checks its download against the recorded one). */
export async function quickXorHashOfFile(path: string): Promise<string> {
  const hash = new QuickXorHash()
  const buffer = Buffer.allocUnsafe(READ_BYTES)
  const handle = await open(path, 'r')
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, null)
      if (bytesRead === 0) return hash.digest()
      hash.update(buffer.subarray(0, bytesRead))
    }
  } finally {
    await handle.close()
  }
}
