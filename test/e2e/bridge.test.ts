import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startBridge, type Bridge } from './bridge/bridge-server.ts'
import { launchChromium, openApp } from './bridge/browser.ts'
import { buildRenderer } from './support.ts'
import { tempDir } from '../support/cli-process.ts'

let bridge: Bridge
let browser: Browser
beforeAll(async () => {
  const rendererDir = buildRenderer()
  bridge = await startBridge(rendererDir, { FTB_HOME: tempDir('e2e'), FTB_SECRET_STORE: 'file' })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await bridge?.close()
})

describe('the browser bridge', () => {
  it('serves the built app under its strict CSP and carries the contract to the real engine', async () => {
    const page = await openApp(browser, bridge.url)
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    const providers = await page.evaluate(() =>
      (globalThis as unknown as { companion: Record<string, () => Promise<unknown>> }).companion[
        'providers.list'
      ]!(),
    )
    expect(providers).toMatchObject({
      ok: true,
      value: expect.arrayContaining([
        expect.objectContaining({
          provider_id: 'dropbox',
          display_name: 'Dropbox',
          is_enabled: false,
        }),
        expect.objectContaining({
          provider_id: 'local',
          display_name: 'Local or NAS folder',
          is_enabled: true,
          reason: null,
          auth: 'none',
          connectFields: [{ name: 'folder', label: 'Folder', kind: 'text', required: true }],
        }),
        expect.objectContaining({
          provider_id: 'onedrive',
          display_name: 'OneDrive',
          is_enabled: false,
          available: true,
          reason: expect.stringContaining('Client ID'),
        }),
      ]),
    })
    expect(violations).toEqual([])
    await page.context().close()
  })
})
