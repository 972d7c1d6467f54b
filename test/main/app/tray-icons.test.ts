// The tray icons the code asks for exist, and packaging ships them where the code looks.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Configuration } from 'app-builder-lib'
import { getConfig } from 'app-builder-lib/out/util/config/config.js'
import { describe, expect, it } from 'vitest'
import { trayIconFile } from '../../../src/main/app/tray-menu.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const STATES = ['idle', 'uploading', 'error', 'paused', 'warning'] as const

describe('tray icons', () => {
  it.each(['darwin', 'win32', 'linux'] as const)(
    'exist for every state on %s, with @2x',
    (platform) => {
      for (const state of STATES) {
        const file = `${root}assets/tray/${trayIconFile(state, platform)}`
        expect(existsSync(file), file).toBe(true)
        expect(existsSync(file.replace(/\.png$/, '@2x.png')), file).toBe(true)
      }
    },
  )

  it('are packaged as extra resources in <resources>/tray', async () => {
    const config: Configuration = await getConfig(root, `${root}electron-builder.yml`, null)
    expect(config.extraResources).toEqual([{ from: 'assets/tray', to: 'tray', filter: ['*.png'] }])
  })
})
