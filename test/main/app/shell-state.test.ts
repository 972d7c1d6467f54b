import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SHELL_STATE_NAME, ShellState } from '../../../src/main/app/shell-state.ts'
import { tempDir } from '../../support/cli-process.ts'

const placement = { x: 10, y: 20, width: 900, height: 700, maximized: true }

describe('ShellState (electron-store, with `electron` resolved to the fake)', () => {
  it('keeps the window, last view, dismissed banners and tray hint in its own file', async () => {
    const dir = tempDir('shell-state')
    const state = new ShellState(dir)
    expect(state.path).toBe(path.join(dir, `${SHELL_STATE_NAME}.json`))
    expect(state.windowPlacement()).toBeUndefined()
    expect(state.trayHintSeen()).toBe(false)
    state.saveWindowPlacement(placement)
    state.remember({ lastView: 'backups' })
    state.remember({ dismissBanner: 'first-run' })
    state.remember({ dismissBanner: 'first-run' })
    state.markTrayHintSeen()

    const onDisk = JSON.parse(await readFile(state.path, 'utf8'))
    expect(onDisk).toEqual({
      window: placement,
      lastView: 'backups',
      dismissedBanners: ['first-run'],
      trayHintSeen: true,
    })
    const again = new ShellState(dir)
    expect(again.windowPlacement()).toEqual(placement)
    expect(again.memory()).toEqual({ lastView: 'backups', dismissedBanners: ['first-run'] })
    expect(again.trayHintSeen()).toBe(true)
  })

  it('ignores values edited into something else, and starts afresh from a broken file', async () => {
    const dir = tempDir('shell-state')
    const file = path.join(dir, `${SHELL_STATE_NAME}.json`)
    await writeFile(file, JSON.stringify({ window: { x: 'left' }, trayHintSeen: 'yes' }))
    const state = new ShellState(dir)
    expect(state.windowPlacement()).toBeUndefined()
    expect(state.trayHintSeen()).toBe(false)
    await writeFile(file, '{not json')
    expect(new ShellState(dir).windowPlacement()).toBeUndefined()
  })
})
