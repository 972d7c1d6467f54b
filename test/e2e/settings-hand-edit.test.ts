import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/cli-process.ts'
import { until } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

const TITLE = 'Your edit of the settings file is not applied'

describe('settings.json edited by hand into invalid settings, against the real engine', () => {
  it('the window shows what is wrong while the old settings stay, and drops the banner once the file is fixed', async () => {
    const app = await open({ localDestination: tempDir('nas'), concurrency: 2 })
    const page = await app.open()
    await page.getByRole('tab', { name: 'Settings' }).click()
    const banner = page.getByRole('alert').filter({ hasText: TITLE })
    const atOnce = page.getByLabel('Uploads at once')
    await until(() => atOnce.inputValue()).toBe('2')
    const file = join(app.env.FTB_HOME!, 'settings.json')
    const good = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    expect(good.concurrency).toBe(2)
    expect(await banner.count()).toBe(0)

    writeFileSync(file, JSON.stringify({ ...good, concurrency: 0 }, null, 2))
    await until(() => banner.isVisible()).toBe(true)
    const text = await banner.textContent()
    expect(text).toContain(`Settings file ${file} has an invalid value: "concurrency"`)
    expect(text).toContain('the settings from before stay in effect until it is corrected.')
    // The window still shows the settings in effect, and the file is left as the user wrote it.
    expect(await atOnce.inputValue()).toBe('2')
    expect(JSON.parse(readFileSync(file, 'utf8')).concurrency).toBe(0)

    writeFileSync(file, JSON.stringify({ ...good, concurrency: 3 }, null, 2))
    await until(() => banner.count()).toBe(0)
    await until(() => atOnce.inputValue()).toBe('3')
  })
})
