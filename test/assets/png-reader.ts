// A minimal PNG reader for the icon tests: enough for the 8-bit RGBA, non-interlaced files that
// resvg writes, and strict about anything else so a surprise format fails loudly.
import { inflateSync } from 'node:zlib'

export interface PngHeader {
  width: number
  height: number
  bitDepth: number
  colorType: number
  interlace: number
}

export interface DecodedPng extends PngHeader {
  /** Non-premultiplied RGBA, row after row. */
  rgba: Uint8Array
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function* chunks(png: Buffer): Generator<{ type: string; data: Buffer }> {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file')
  let offset = 8
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset)
    const type = png.toString('latin1', offset + 4, offset + 8)
    yield { type, data: png.subarray(offset + 8, offset + 8 + length) }
    offset += 12 + length // length, type, data, CRC
  }
}

/** Reads the IHDR chunk, which the PNG spec requires to come first. */
export function readPngHeader(png: Buffer): PngHeader {
  const first = chunks(png).next()
  if (first.done || first.value.type !== 'IHDR') throw new Error('PNG does not start with IHDR')
  const ihdr = first.value.data
  return {
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8]!,
    colorType: ihdr[9]!,
    interlace: ihdr[12]!,
  }
}

export function decodePng(png: Buffer): DecodedPng {
  const header = readPngHeader(png)
  if (header.bitDepth !== 8 || header.colorType !== 6 || header.interlace !== 0) {
    throw new Error(`unsupported PNG format ${JSON.stringify(header)}`)
  }
  const idat = [...chunks(png)].filter((c) => c.type === 'IDAT').map((c) => c.data)
  const raw = inflateSync(Buffer.concat(idat))
  const bpp = 4
  const stride = header.width * bpp
  const rgba = new Uint8Array(stride * header.height)
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const out = y * stride
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? rgba[out + x - bpp]! : 0
      const b = y > 0 ? rgba[out - stride + x]! : 0
      const c = x >= bpp && y > 0 ? rgba[out - stride + x - bpp]! : 0
      rgba[out + x] = (line[x]! + predict(filter, a, b, c)) & 0xff
    }
  }
  return { ...header, rgba }
}

// The five scanline filters of PNG section 9.
function predict(filter: number | undefined, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return a
    case 2:
      return b
    case 3:
      return (a + b) >> 1
    case 4: {
      const p = a + b - c
      const pa = Math.abs(p - a)
      const pb = Math.abs(p - b)
      const pc = Math.abs(p - c)
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`)
  }
}
