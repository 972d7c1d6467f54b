import { crc32 } from 'node:zlib'

/**
 * Real, complete archives around a payload, built by hand in memory: a tar in an xz stream
 * (LZMA2 "uncompressed" chunks, so no compressor runs) and a zip with one stored entry. Both pass
 * `xz -t` / `unzip -t`, so an archive-completeness check accepts them, and any prefix of them
 * lacks the trailer it looks for.
 */

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
/** Stream flags: check type CRC32. */
const XZ_FLAGS = Buffer.from([0x00, 0x01])
/** LZMA2 caps one uncompressed chunk at 64 KiB. */
const LZMA2_CHUNK = 64 * 1024

export function tarXzOf(name: string, payload: Buffer): Buffer {
  return xzOf(tarOf(name, payload))
}

/** A ustar archive holding one regular file. */
export function tarOf(name: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(512)
  header.write(name.slice(0, 99), 0, 'ascii')
  header.write('0000644\0', 100, 'ascii')
  header.write('0000000\0', 108, 'ascii')
  header.write('0000000\0', 116, 'ascii')
  header.write(`${payload.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii')
  header.write('14750000000\0', 136, 'ascii')
  header.write('        ', 148, 'ascii')
  header.write('0', 156, 'ascii')
  header.write('ustar\0' + '00', 257, 'ascii')
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii')
  const padding = Buffer.alloc((512 - (payload.length % 512)) % 512)
  return Buffer.concat([header, payload, padding, Buffer.alloc(1024)])
}

/** One xz stream, one block, CRC32 check (the .xz file format, version 1.1.0). */
export function xzOf(data: Buffer): Buffer {
  // Block header: size, flags (one filter, no sizes), LZMA2 id, 1 property byte (1 MiB dict).
  const headerBody = padTo4(Buffer.from([0x02, 0x00, 0x21, 0x01, 0x10]))
  const blockHeader = Buffer.concat([headerBody, le32(crc32(headerBody))])
  const chunks: Buffer[] = []
  for (let at = 0; at < data.length; at += LZMA2_CHUNK) {
    const piece = data.subarray(at, at + LZMA2_CHUNK)
    // 0x01: uncompressed chunk resetting the dictionary (first); 0x02: without reset.
    const control = at === 0 ? 0x01 : 0x02
    chunks.push(Buffer.from([control, (piece.length - 1) >> 8, (piece.length - 1) & 0xff]), piece)
  }
  chunks.push(Buffer.from([0x00]))
  const compressed = Buffer.concat(chunks)
  const unpaddedSize = blockHeader.length + compressed.length + 4
  const block = Buffer.concat([blockHeader, padTo4(compressed), le32(crc32(data))])
  const indexBody = padTo4(
    Buffer.concat([Buffer.from([0x00]), varint(1), varint(unpaddedSize), varint(data.length)]),
  )
  const index = Buffer.concat([indexBody, le32(crc32(indexBody))])
  const backward = le32(index.length / 4 - 1)
  const footerBody = Buffer.concat([backward, XZ_FLAGS])
  return Buffer.concat([
    XZ_MAGIC,
    XZ_FLAGS,
    le32(crc32(XZ_FLAGS)),
    block,
    index,
    le32(crc32(footerBody)),
    footerBody,
    Buffer.from('YZ', 'ascii'),
  ])
}

/** A zip with one stored (uncompressed) entry and a UTF-8 name. */
export function zipOf(name: string, payload: Buffer): Buffer {
  const fileName = Buffer.from(name, 'utf8')
  const crc = crc32(payload)
  const common = (header: Buffer, at: number) => {
    header.writeUInt16LE(0x0800, at) // flags: the name is UTF-8
    header.writeUInt16LE(0, at + 2) // stored
    header.writeUInt16LE(0, at + 4) // time 00:00
    header.writeUInt16LE((46 << 9) | (11 << 5) | 22, at + 6) // 2026-11-22
    header.writeUInt32LE(crc, at + 8)
    header.writeUInt32LE(payload.length, at + 12)
    header.writeUInt32LE(payload.length, at + 16)
    header.writeUInt16LE(fileName.length, at + 20)
  }
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(10, 4)
  common(local, 6)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(10, 6)
  common(central, 8)
  const centralOffset = local.length + fileName.length + payload.length
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(central.length + fileName.length, 12)
  end.writeUInt32LE(centralOffset, 16)
  return Buffer.concat([local, fileName, payload, central, fileName, end])
}

function le32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeUInt32LE(value >>> 0)
  return buffer
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  bytes.push(value)
  return Buffer.from(bytes)
}

function padTo4(buffer: Buffer): Buffer {
  const pad = (4 - (buffer.length % 4)) % 4
  return pad ? Buffer.concat([buffer, Buffer.alloc(pad)]) : buffer
}
