/**
 * QuickXorHash, the checksum OneDrive for Business (and SharePoint) reports as
 * `file.hashes.quickXorHash`, written from Microsoft's published description: a 160-bit register;
 * byte n of the input is XORed in at bit (11 × n) mod 160, wrapping around the register's end;
 * finally the input's length, as a 64-bit little-endian number, is XORed into the last 8 bytes.
 * The result is base64. Fed chunk by chunk (update), so it is computed in the upload's own pass.
 */
const WIDTH_BYTES = 20
const WIDTH_BITS = WIDTH_BYTES * 8
const SHIFT = 11

export class QuickXorHash {
  private readonly register = new Uint8Array(WIDTH_BYTES)
  /** Bit position where the next byte goes. */
  private bit = 0
  private length = 0n

  update(chunk: Uint8Array): this {
    const register = this.register
    let bit = this.bit
    for (let i = 0; i < chunk.length; i++) {
      const value = chunk[i]!
      const at = bit >>> 3
      const offset = bit & 7
      register[at]! ^= (value << offset) & 0xff
      // The bits shifted past this byte go into the next one, the first after the last.
      if (offset !== 0) register[(at + 1) % WIDTH_BYTES]! ^= value >>> (8 - offset)
      bit += SHIFT
      if (bit >= WIDTH_BITS) bit -= WIDTH_BITS
    }
    this.bit = bit
    this.length += BigInt(chunk.length)
    return this
  }

  /** The base64 digest; the hash may go on being updated afterwards. */
  digest(): string {
    const out = Buffer.from(this.register)
    const length = Buffer.alloc(8)
    length.writeBigUInt64LE(BigInt.asUintN(64, this.length))
    for (let i = 0; i < 8; i++) out[WIDTH_BYTES - 8 + i]! ^= length[i]!
    return out.toString('base64')
  }
}

export function quickXorHashOf(bytes: Uint8Array): string {
  return new QuickXorHash().update(bytes).digest()
}
