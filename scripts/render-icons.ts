// Renders every PNG icon in assets/ from the SVG sources in assets/src/.
// Run `npm run icons` after editing a source and commit the PNGs with it:
// test/assets/render-icons.test.ts fails when a committed PNG no longer matches its source.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Resvg } from '@resvg/resvg-js'

export const APP_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024] as const
export const TRAY_STATES = ['idle', 'uploading', 'error', 'paused', 'warning'] as const

// At 32 px and below the detailed icon turns to mush, so those sizes come from a redrawn source
// whose edges sit on whole pixels.
const SMALL_APP_ICON_MAX_SIZE = 32

export interface IconJob {
  /** SVG source, relative to the assets folder. */
  source: string
  /** PNG to write, relative to the assets folder. */
  output: string
  /** Width and height in pixels. */
  size: number
  /** A macOS template image: black plus alpha only. */
  template: boolean
}

export function iconJobs(): IconJob[] {
  const jobs: IconJob[] = []
  for (const size of APP_ICON_SIZES) {
    const source = size <= SMALL_APP_ICON_MAX_SIZE ? 'src/app-icon-small.svg' : 'src/app-icon.svg'
    // Linux icon set: electron-builder reads the size from the file name.
    jobs.push({ source, output: `icons/${size}x${size}.png`, size, template: false })
  }
  // The icon electron-builder finds in buildResources for macOS and Windows.
  jobs.push({ source: 'src/app-icon.svg', output: 'icon.png', size: 512, template: false })
  for (const state of TRAY_STATES) {
    for (const template of [false, true]) {
      const source = `src/tray-${state}${template ? '-template' : ''}.svg`
      // Electron picks `@2x` files for high-DPI screens; macOS treats names ending in
      // `Template` as template images.
      const name = `tray/tray-${state}${template ? 'Template' : ''}`
      jobs.push({ source, output: `${name}.png`, size: 16, template })
      jobs.push({ source, output: `${name}@2x.png`, size: 32, template })
    }
  }
  return jobs
}

export function renderPng(svg: string, size: number, template: boolean): Buffer {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    // The icons hold no text; skipping font discovery keeps the output the same on every machine.
    font: { loadSystemFonts: false },
  }).render()
  if (rendered.width !== size || rendered.height !== size) {
    throw new Error(`rendered ${rendered.width}x${rendered.height}, expected ${size}x${size}`)
  }
  if (template && !isBlackWithAlpha(rendered.pixels)) {
    throw new Error('a template image must be drawn in black only')
  }
  return rendered.asPng()
}

function isBlackWithAlpha(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== 0 || rgba[i + 1] !== 0 || rgba[i + 2] !== 0) return false
  }
  return true
}

/** Renders every icon into `assetsDir`, reading sources from `assetsDir/src`. Returns the outputs. */
export async function renderIcons(assetsDir: string): Promise<string[]> {
  const sources = new Map<string, string>()
  const written: string[] = []
  for (const job of iconJobs()) {
    let svg = sources.get(job.source)
    if (svg === undefined) {
      svg = await readFile(path.join(assetsDir, job.source), 'utf8')
      sources.set(job.source, svg)
    }
    const output = path.join(assetsDir, job.output)
    let png: Buffer
    try {
      png = renderPng(svg, job.size, job.template)
    } catch (error) {
      throw new Error(`${job.source} → ${job.output}: ${(error as Error).message}`, {
        cause: error,
      })
    }
    await mkdir(path.dirname(output), { recursive: true })
    await writeFile(output, png)
    written.push(output)
  }
  return written
}

if (import.meta.main) {
  const assetsDir = fileURLToPath(new URL('../assets/', import.meta.url))
  const written = await renderIcons(assetsDir)
  console.log(`Rendered ${written.length} icons into ${path.relative(process.cwd(), assetsDir)}`)
}
