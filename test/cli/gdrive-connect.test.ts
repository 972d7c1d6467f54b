import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LOOPBACK_PORT } from '../../src/main/auth/loopback-receiver.ts'
import type { GdriveEmulator } from '../emulators/gdrive/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import {
  configureGoogle,
  GOOGLE_CLIENT_ID,
  GOOGLE_CLIENT_SECRET,
  googleEnv,
  startGoogle,
} from '../support/gdrive-fixture.ts'

let emulator: GdriveEmulator
beforeAll(async () => (emulator = await startGoogle()))
afterAll(() => emulator.close())

const connections = (home: string) => {
  const file = join(home, 'settings.json')
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).connections ?? []) : []
}

describe('connect google-drive', () => {
  it('signs in through a loopback port the OS picked, asks for offline access and drive.file only, and sends the client secret', async () => {
    const env = googleEnv(emulator)
    await configureGoogle(env)
    const cli = startCli(['connect', 'google-drive', '--no-browser', '--json'], env)
    const authorizeUrl = new URL(await cli.firstLine)
    const params = authorizeUrl.searchParams
    expect(params.get('client_id')).toBe(GOOGLE_CLIENT_ID)
    expect(params.get('scope')).toBe('https://www.googleapis.com/auth/drive.file')
    expect(params.get('access_type')).toBe('offline')
    expect(params.get('prompt')).toBe('consent')
    expect(params.get('code_challenge_method')).toBe('S256')
    const redirect = new URL(params.get('redirect_uri')!)
    expect(redirect.hostname).toBe('127.0.0.1')
    expect(Number(redirect.port)).not.toBe(DEFAULT_LOOPBACK_PORT)
    expect(params.has('client_secret')).toBe(false)

    const page = await fetch(await authorizeRedirect(authorizeUrl.href))
    expect(page.status).toBe(200)
    const result = await cli.done
    expect(result.code, result.stderr).toBe(0)
    const connection = JSON.parse(result.stdout.split('\n').slice(1).join('\n'))
    expect(connection).toMatchObject({
      provider: 'google-drive',
      account: { name: 'Brewer Example', email: 'brewer@example.com' },
      status: 'connected',
    })
    // The emulator's Desktop client refuses a token request without its secret.
    const token = emulator.requests.filter((r) => r.path === '/token')
    expect(token.at(-1)!.status).toBe(200)
    expect(result.stdout + result.stderr).not.toContain(GOOGLE_CLIENT_SECRET)
    expect(readFileSync(join(env.FTB_HOME!, 'settings.json'), 'utf8')).not.toContain(
      GOOGLE_CLIENT_SECRET,
    )
  })

  it('without the client secret, the browser is told what Google said, and no connection is made', async () => {
    const env = googleEnv(emulator)
    const configured = await runCli(
      ['providers', 'configure', 'google-drive', '--client-id', GOOGLE_CLIENT_ID],
      env,
    )
    expect(configured.code, configured.stderr).toBe(0)
    const cli = startCli(['connect', 'google-drive', '--no-browser'], env)
    const page = await fetch(await authorizeRedirect(await cli.firstLine))
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('invalid_client')
    // The sign-in keeps waiting for a good answer, as for any refused one; the user stops it.
    cli.child.kill('SIGTERM')
    const result = await cli.done
    expect(result.code).not.toBe(0)
    expect(connections(env.FTB_HOME!)).toEqual([])
  })

  it('refuses --redirect scheme in one line (exit 2), changing nothing', async () => {
    const env = googleEnv(emulator)
    await configureGoogle(env)
    const result = await runCli(
      ['connect', 'google-drive', '--redirect', 'scheme', '--no-browser'],
      env,
    )
    expect(result.code).toBe(2)
    const lines = result.stderr.trim().split('\n')
    expect(lines.at(-1)).toMatch(
      /^Error: Google Drive does not accept --redirect scheme; use loopback\./,
    )
    expect(result.stdout).toBe('')
    expect(connections(env.FTB_HOME!)).toEqual([])
  })

  it('providers show lists only the loopback redirect, on any port', async () => {
    const env = googleEnv(emulator)
    await configureGoogle(env)
    const result = await runCli(['providers', 'show', 'google-drive', '--json'], env)
    expect(result.code, result.stderr).toBe(0)
    const shown = JSON.parse(result.stdout)
    expect(JSON.stringify(shown)).toContain('http://127.0.0.1:<any port>/oauth/callback')
    expect(JSON.stringify(shown)).not.toContain('fermentrack-backup://')
    expect(shown).toMatchObject({ oauth: { uses_client_secret: true } })
  })
})
