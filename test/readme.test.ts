import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { troubleshootingTable } from '../scripts/troubleshooting.ts'
import { Settings } from '../src/shared/settings-schema.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** Prettier pads markdown tables; compare cell text only. */
const normalize = (table: string) =>
  table
    .split('\n')
    .map((line) => line.replace(/-{3,}/g, '---').replace(/\s+/g, ' ').trim())
    .join('\n')

describe('README', () => {
  it('carries the troubleshooting table generated from the error table (scripts/troubleshooting.ts)', () => {
    const section = /<!-- troubleshooting:start -->\n([\s\S]*?)\n<!-- troubleshooting:end -->/.exec(
      readme,
    )
    expect(normalize(section?.[1] ?? '').trim()).toBe(normalize(troubleshootingTable()))
  })

  it.each([
    'FTB_HOME',
    'DROPBOX_APP_KEY',
    'FTB_BUILTIN_DROPBOX_APP_KEY',
    'FTB_SECRET_STORE',
    'FTB_LOOPBACK_PORT',
    'FTB_LOG_LEVEL',
    'FTB_SIGN_IN_TIMEOUT',
    'FTB_DROPBOX_AUTH_URL',
    'FTB_DROPBOX_API_URL',
    'FTB_DROPBOX_CONTENT_URL',
    'FTB_LOCAL_DESTINATION',
    'ONEDRIVE_CLIENT_ID',
    'FTB_MICROSOFT_LOGIN_URL',
    'FTB_GRAPH_API_URL',
  ])('documents the environment variable %s', (name) => expect(readme).toContain(`\`${name}\``))

  it.each(Object.keys(Settings.shape))('documents the setting %s', (key) =>
    expect(readme).toContain(`| \`${key}\``),
  )
})
