import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { crc32, createGunzip } from 'node:zlib'

/**
 * Whether an archive has been written to its end, judged from its container structure alone:
 * the part a writer puts down last. Cheap on purpose (a few small reads for .xz and .zip; one
 * streaming inflate for gzip, which has no index to jump to), so it can run before every upload.
 * It proves the file is not cut short; it does not prove every byte inside is intact.
 *
 * No library does this: archive readers (tar, yauzl, xz bindings) either unpack everything or
 * trust the file, and none answer "is the end there?" without decoding the whole stream.
 */

/** The container formats checked, by file name; anything else is left to the settle rule. */
export type ArchiveFormat = 'xz' | 'gzip' | 'zip'

export function archiveFormat(name: string): ArchiveFormat | undefined {
  const lower = name.toLowerCase()
  if (lower.endsWith('.xz') || lower.endsWith('.txz')) return 'xz'
  if (lower.endsWith('.gz') || lower.endsWith('.tgz')) return 'gzip'
  if (lower.endsWith('.zip')) return 'zip'
  return undefined
}

/**
 * True if the first `size` bytes of `path` form a complete archive of the format its name
 * says; undefined if the name is not one of the checked formats. Garbage counts as incomplete.
 */
export async function isArchiveComplete(path: string, size: number): Promise<boolean | undefined> {
  const format = archiveFormat(path)
  if (format === 'gzip') return gzipIsComplete(path, size)
  if (format === undefined) return undefined
  const handle = await open(path, 'r')
  try {
    return await (format === 'xz' ? xzIsComplete : zipIsComplete)(new Reader(handle, size))
  } finally {
    await handle.close()
  }
}

/** Reads exact ranges of the file's first `size` bytes; short or out-of-range reads are empty. */
class Reader {
  private readonly handle: FileHandle
  readonly size: number

  constructor(handle: FileHandle, size: number) {
    this.handle = handle
    this.size = size
  }

  async at(position: number, length: number): Promise<Buffer> {
    if (position < 0 || length < 0 || position + length > this.size) return Buffer.alloc(0)
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await this.handle.read(buffer, 0, length, position)
    return bytesRead === length ? buffer : Buffer.alloc(0)
  }
}

// --- .xz (The .xz File Format, version 1.2.1, sections 2.1 and 4) -------------------------------

const XZ_HEADER_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])
const XZ_FOOTER_MAGIC = Buffer.from('YZ', 'latin1')
const XZ_HEADER_SIZE = 12
const XZ_FOOTER_SIZE = 12
/** Trailing zeros looked through for Stream Padding; more than this is not a finished file. */
const XZ_PADDING_LOOKBACK = 4096

/**
 * The last Stream's Footer (CRC32, "YZ", Stream Flags), the Index it points back to (indicator,
 * records, padding, CRC32, and a size equal to Backward Size), and that Stream's Header at the
 * offset the Index's block sizes lead to, with the same flags. Stream Padding after the end is
 * allowed. Earlier Streams of a concatenated file are not walked: their headers are not where a
 * cut happens, so a file cut exactly between two Streams passes (xz itself never writes that).
 */
async function xzIsComplete(file: Reader): Promise<boolean> {
  const first = await file.at(0, XZ_HEADER_SIZE)
  if (!xzHeaderValid(first)) return false
  const end = await xzEndWithoutPadding(file)
  const footer = await file.at(end - XZ_FOOTER_SIZE, XZ_FOOTER_SIZE)
  if (footer.length === 0 || !footer.subarray(10).equals(XZ_FOOTER_MAGIC)) return false
  if (crc32(footer.subarray(4, 10)) !== footer.readUInt32LE(0)) return false
  const flags = footer.subarray(8, 10)
  const indexSize = (footer.readUInt32LE(4) + 1) * 4
  const indexStart = end - XZ_FOOTER_SIZE - indexSize
  const blocks = xzIndexBlocksSize(await file.at(indexStart, indexSize))
  if (blocks === undefined) return false
  const streamStart = indexStart - blocks - XZ_HEADER_SIZE
  const header = streamStart === 0 ? first : await file.at(streamStart, XZ_HEADER_SIZE)
  return xzHeaderValid(header) && header.subarray(6, 8).equals(flags)
}

function xzHeaderValid(header: Buffer): boolean {
  return (
    header.length === XZ_HEADER_SIZE &&
    header.subarray(0, 6).equals(XZ_HEADER_MAGIC) &&
    header[6] === 0 &&
    (header[7]! & 0xf0) === 0 &&
    crc32(header.subarray(6, 8)) === header.readUInt32LE(8)
  )
}

/** Where the last Stream ends: before any Stream Padding (whole 4-byte groups of zeros). */
async function xzEndWithoutPadding(file: Reader): Promise<number> {
  const tailLength = Math.min(file.size, XZ_PADDING_LOOKBACK) & ~3
  const tail = await file.at(file.size - tailLength, tailLength)
  let end = tail.length
  while (end >= 4 && tail.readUInt32LE(end - 4) === 0) end -= 4
  return file.size - tail.length + end
}

/** The Index's total of padded Block sizes, or undefined if it is not a well-formed Index. */
function xzIndexBlocksSize(index: Buffer): number | undefined {
  if (index.length < 8 || index[0] !== 0) return undefined
  const body = index.subarray(0, index.length - 4)
  if (crc32(body) !== index.readUInt32LE(index.length - 4)) return undefined
  const reader = { buffer: body, at: 1 }
  const count = readVarint(reader)
  let blocks = 0
  for (let i = 0; count !== undefined && i < count; i++) {
    const unpadded = readVarint(reader)
    if (unpadded === undefined || readVarint(reader) === undefined) return undefined
    blocks += Math.ceil(unpadded / 4) * 4
  }
  const padding = body.subarray(reader.at)
  const wellFormed = count !== undefined && padding.length < 4 && padding.every((b) => b === 0)
  return wellFormed ? blocks : undefined
}

/** The spec's multibyte integer: 7 bits a byte, low first, at most 9 bytes. */
function readVarint(reader: { buffer: Buffer; at: number }): number | undefined {
  let value = 0
  for (let i = 0; i < 9 && reader.at < reader.buffer.length; i++) {
    const byte = reader.buffer[reader.at++]!
    value += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) return byte === 0 && i > 0 ? undefined : value
  }
  return undefined
}

// --- gzip (RFC 1952) ----------------------------------------------------------------------------

/**
 * Inflates the whole file and discards the output: gzip keeps no index, and its trailer (CRC32 and
 * length of the data) is only reachable by decoding. zlib checks that trailer itself; a cut file
 * ends with "unexpected end of file". Concatenated members are accepted, so a file cut exactly
 * between two members passes (gzip itself writes one member).
 */
async function gzipIsComplete(path: string, size: number): Promise<boolean> {
  if (size === 0) return false
  try {
    await pipeline(createReadStream(path, { end: size - 1 }), createGunzip(), async (inflated) => {
      for await (const chunk of inflated) void chunk
    })
    return true
  } catch (error) {
    // A read failure (the file vanished, permissions) is no verdict on the archive; zlib's are.
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error
    return false
  }
}

// --- .zip (APPNOTE.TXT 6.3, sections 4.3.14 to 4.3.16) ------------------------------------------

const ZIP_EOCD = 0x06054b50
const ZIP_EOCD_SIZE = 22
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_LOCATOR_SIZE = 20
const ZIP64_EOCD = 0x06064b50
const ZIP64_EOCD_SIZE = 56
const ZIP_CENTRAL_HEADER = 0x02014b50
const ZIP_MAX_COMMENT = 0xffff

/**
 * The End of Central Directory record, which a zip writer puts down last, with its comment ending
 * exactly at the end of the file; and the central directory it describes, which must sit right
 * before it (or before the ZIP64 record) at the offset it names and start with a central header.
 * Data prepended to the archive (self-extractors) is not accepted: it would also let a zip stored
 * inside a cut zip pass.
 */
async function zipIsComplete(file: Reader): Promise<boolean> {
  const tailLength = Math.min(file.size, ZIP_EOCD_SIZE + ZIP_MAX_COMMENT)
  const tail = await file.at(file.size - tailLength, tailLength)
  for (let at = tail.length - ZIP_EOCD_SIZE; at >= 0; at--) {
    if (tail.readUInt32LE(at) !== ZIP_EOCD) continue
    if (at + ZIP_EOCD_SIZE + tail.readUInt16LE(at + 20) !== tail.length) continue
    return zipDirectoryValid(file, file.size - tail.length + at, tail.subarray(at))
  }
  return false
}

async function zipDirectoryValid(file: Reader, eocdAt: number, eocd: Buffer): Promise<boolean> {
  const directory = (await zip64Directory(file, eocdAt)) ?? {
    entries: eocd.readUInt16LE(10),
    size: eocd.readUInt32LE(12),
    offset: eocd.readUInt32LE(16),
    end: eocdAt,
  }
  if (directory.offset + directory.size !== directory.end) return false
  if (directory.entries === 0) return directory.size === 0
  const signature = await file.at(directory.offset, 4)
  return signature.length === 4 && signature.readUInt32LE(0) === ZIP_CENTRAL_HEADER
}

/**
 * The central directory as the ZIP64 record describes it, if a locator precedes the EOCD record.
 * Writers add one whenever they might need it (zip does when streaming), not only when the EOCD
 * fields overflow, and the directory then ends at the ZIP64 record.
 */
async function zip64Directory(file: Reader, eocdAt: number) {
  const locator = await file.at(eocdAt - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE)
  if (locator.length === 0 || locator.readUInt32LE(0) !== ZIP64_LOCATOR) return undefined
  const end = Number(locator.readBigUInt64LE(8))
  const record = await file.at(end, ZIP64_EOCD_SIZE)
  if (record.length === 0 || record.readUInt32LE(0) !== ZIP64_EOCD) return undefined
  return {
    entries: Number(record.readBigUInt64LE(32)),
    size: Number(record.readBigUInt64LE(40)),
    offset: Number(record.readBigUInt64LE(48)),
    end,
  }
}
