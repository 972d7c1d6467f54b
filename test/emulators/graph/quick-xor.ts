/**
 * The emulator's own QuickXorHash, written apart from the app's (five 32-bit words instead of
 * twenty bytes), so the two check each other: a 160-bit register, byte n XORed in at bit
 * (11 × n) mod 160, the length (64-bit little-endian) XORed into the last 8 bytes, base64.
 */
export function quickXorOf(bytes: Uint8Array): string {
  const words = new Uint32Array(5)
  let bit = 0
  for (const value of bytes) {
    const word = bit >>> 5
    const offset = bit & 31
    words[word] = words[word]! ^ ((value << offset) >>> 0)
    // A byte that starts in a word's last 7 bits carries on into the next word (the first after
    // the fifth, as the register wraps around).
    if (offset > 24) {
      const next = (word + 1) % 5
      words[next] = words[next]! ^ (value >>> (32 - offset))
    }
    bit = (bit + 11) % 160
  }
  const out = Buffer.alloc(20)
  for (let i = 0; i < 5; i++) out.writeUInt32LE(words[i]!, i * 4)
  const length = Buffer.alloc(8)
  length.writeBigUInt64LE(BigInt(bytes.length))
  for (let i = 0; i < 8; i++) out[12 + i]! ^= length[i]!
  return out.toString('base64')
}
