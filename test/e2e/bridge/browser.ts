import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { commands } from '../../../src/shared/ipc-contract.ts'
import { installCompanionShim } from './companion-shim.ts'

/** Debian's Chromium; a test tool's own browser download cannot work on these machines. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  })
}

/** A page of the app, with window.companion wired to the bridge and drops read from dropDir. */
export async function openApp(
  browser: Browser,
  url: string,
  options: {
    colorScheme?: 'light' | 'dark'
    dropDir?: string
    /** Runs before the app loads: to listen from the first console message on. */
    beforeLoad?: (page: Page) => Promise<void>
  } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 720 },
    colorScheme: options.colorScheme ?? 'light',
  })
  const page = await context.newPage()
  const dropDir = options.dropDir ?? mkdtempSync(join(tmpdir(), 'ftb-drops-'))
  await page.addInitScript(installCompanionShim, { commands: Object.keys(commands), dropDir })
  await options.beforeLoad?.(page)
  await page.goto(url)
  return page
}
