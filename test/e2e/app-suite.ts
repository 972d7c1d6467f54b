import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import type { Settings } from '../../src/shared/settings-schema.ts'
import { startApp, startConnectedApp, type App } from './app-harness.ts'
import { launchChromium } from './bridge/browser.ts'
import { buildRenderer } from './support.ts'

/**
 * One browser and one build per test file, and one app per scenario, closed after it. Every
 * scenario must also have run without the window breaking its own Content-Security-Policy.
 */
export function appSuite() {
  let browser: Browser
  let rendererDir: string
  let app: App | undefined
  beforeAll(async () => {
    rendererDir = buildRenderer()
    browser = await launchChromium()
  })
  afterEach(async () => {
    const violations = app?.cspViolations ?? []
    await app?.close()
    app = undefined
    expect(violations).toEqual([])
  })
  afterAll(async () => {
    await browser?.close()
  })
  return {
    async open(settings: Partial<Settings> = {}, env: NodeJS.ProcessEnv = {}): Promise<App> {
      app = await startApp(browser, rendererDir, settings, env)
      return app
    },
    async openConnected(settings: Partial<Settings> = {}): Promise<{ app: App; page: Page }> {
      const started = await startConnectedApp(browser, rendererDir, settings)
      app = started.app
      return started
    },
  }
}
