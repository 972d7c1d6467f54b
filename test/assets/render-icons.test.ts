import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { iconJobs, renderPng } from '../../scripts/render-icons.ts'
import { decodePng, readPngHeader } from './png-reader.ts'

const assetsDir = fileURLToPath(new URL('../../assets/', import.meta.url))

// Written out here rather than taken from the script, so a change to the script's plan that
// drops or resizes an icon fails this test.
const appIconSizes = [16, 32, 48, 64, 128, 256, 512, 1024]
const trayStates = ['idle', 'uploading', 'error', 'paused', 'warning']
const expected = new Map<string, number>([
  ['icon.png', 512],
  ...appIconSizes.map((size) => [`icons/${size}x${size}.png`, size] as const),
  ...trayStates.flatMap((state) =>
    ['', 'Template'].flatMap((variant) => [
      [`tray/tray-${state}${variant}.png`, 16] as const,
      [`tray/tray-${state}${variant}@2x.png`, 32] as const,
    ]),
  ),
])
const templates = [...expected.keys()].filter((file) => file.includes('Template'))

async function pngsUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(assetsDir, dir), { recursive: true })
  return entries.filter((entry) => entry.endsWith('.png')).map((entry) => path.join(dir, entry))
}

describe('rendered icons', () => {
  it.each([...expected])('%s exists and is %i px square', async (file, size) => {
    const header = readPngHeader(await readFile(path.join(assetsDir, file)))
    expect({ width: header.width, height: header.height }).toEqual({ width: size, height: size })
  })

  it('holds no PNG that the icon plan does not produce', async () => {
    const found = [...(await pngsUnder('icons')), ...(await pngsUnder('tray'))]
    const stray = found.filter((file) => !expected.has(file.split(path.sep).join('/')))
    expect(stray).toEqual([])
  })

  it.each(templates)('%s is pure black with alpha and not empty', async (file) => {
    const png = decodePng(await readFile(path.join(assetsDir, file)))
    let coloured = 0
    let visible = 0
    for (let i = 0; i < png.rgba.length; i += 4) {
      if (png.rgba[i] !== 0 || png.rgba[i + 1] !== 0 || png.rgba[i + 2] !== 0) coloured++
      if (png.rgba[i + 3]! > 0) visible++
    }
    expect(coloured).toBe(0)
    expect(visible).toBeGreaterThan(png.width * png.height * 0.15)
  })

  it('decodes the 16 px app icon as a tile with transparent rounded corners', async () => {
    const png = decodePng(await readFile(path.join(assetsDir, 'icons/16x16.png')))
    const alphaAt = (x: number, y: number) => png.rgba[(y * png.width + x) * 4 + 3]
    expect(alphaAt(0, 0)).toBe(0)
    expect(alphaAt(15, 15)).toBe(0)
    expect(alphaAt(8, 8)).toBe(255)
  })

  it('matches what the SVG sources render, so nobody forgot `npm run icons`', async () => {
    const stale: string[] = []
    for (const job of iconJobs()) {
      const svg = await readFile(path.join(assetsDir, job.source), 'utf8')
      const committed = await readFile(path.join(assetsDir, job.output))
      if (!renderPng(svg, job.size, job.template).equals(committed)) stale.push(job.output)
    }
    expect(stale).toEqual([])
  })

  it('refuses to render a template image that uses colour', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#e53935"/></svg>'
    expect(() => renderPng(svg, 16, true)).toThrow(/black only/)
    expect(renderPng(svg, 16, false).length).toBeGreaterThan(0)
  })
})
