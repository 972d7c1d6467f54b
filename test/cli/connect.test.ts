import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { authorizeRedirect, authorizeShownCode } from '../support/browser.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import { cliEnv, startEmulator } from '../support/dropbox-fixture.ts'
import { connectDropbox } from '../support/upload-fixture.ts'

let emulator: DropboxEmulator
let loopbackPort: number
beforeAll(async () => ({ emulator, loopbackPort } = await startEmulator()))
afterAll(() => emulator.close())

const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv(emulator, loopbackPort, extra)

async function connectionsOf(home: NodeJS.ProcessEnv) {
  const result = await runCli(['connections', '--json'], home)
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as Array<{ connection_id: string; status: string }>
}

describe('connect dropbox', () => {
  it('by loopback: PKCE authorize URL, browser page, connection printed as JSON', async () => {
    const home = env()
    const cli = startCli(
      ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
      home,
    )
    const authorizeUrl = new URL(await cli.firstLine)
    const params = authorizeUrl.searchParams
    expect(params.get('client_id')).toBe('test-app-key')
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(params.get('token_access_type')).toBe('offline')
    expect(params.get('scope')).toBe(
      'files.metadata.read files.content.write files.content.read account_info.read',
    )
    expect(params.get('redirect_uri')).toBe(`http://127.0.0.1:${loopbackPort}/oauth/callback`)
    expect(params.get('state')!.length).toBeGreaterThanOrEqual(22)
    expect(params.has('client_secret')).toBe(false)

    const page = await fetch(await authorizeRedirect(authorizeUrl.href))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('You can close this tab')
    const result = await cli.done
    expect(result.code).toBe(0)
    const connection = JSON.parse(result.stdout.split('\n').slice(1).join('\n'))
    expect(connection).toEqual({
      connection_id: expect.stringMatching(/^dropbox-[0-9a-f]{12}$/),
      provider: 'dropbox',
      account: { name: 'Brewer Example', email: 'brewer@example.com' },
      status: 'connected',
    })
    expect(await connectionsOf(home)).toMatchObject([
      { connection_id: connection.connection_id, status: 'connected' },
    ])
  })

  it('connections --json: each connection with its provider, account, config and space, never a token', async () => {
    const home = env({ FTB_SECRET_STORE: 'file' })
    const id = await connectDropbox(home)
    const result = await runCli(['connections', '--json'], home)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([
      {
        connection_id: id,
        provider: 'dropbox',
        account: { name: 'Brewer Example', email: 'brewer@example.com' },
        status: 'connected',
        config: {},
        created: expect.any(String),
        space: { used: expect.any(Number), allocated: expect.any(Number) },
      },
    ])
    const stored = JSON.parse(readFileSync(join(home.FTB_HOME, 'secrets.json'), 'utf8'))
    const tokens = JSON.parse(stored[id]) as { access_token: string; refresh_token: string }
    expect(tokens.refresh_token.length).toBeGreaterThan(20)
    expect(result.stdout).not.toContain(tokens.refresh_token)
    expect(result.stdout).not.toContain(tokens.access_token)
  })

  it('by custom scheme: open-url hands the answer to the waiting connect', async () => {
    const home = env()
    const cli = startCli(
      ['connect', 'dropbox', '--redirect', 'scheme', '--no-browser', '--json'],
      home,
    )
    const authorizeUrl = await cli.firstLine
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(
      'fermentrack-backup://oauth/callback',
    )
    const answer = await authorizeRedirect(authorizeUrl)
    expect(answer).toMatch(/^fermentrack-backup:\/\/oauth\/callback\?code=/)
    const delivered = await runCli(['open-url', answer], home)
    expect(delivered).toMatchObject({ code: 0, stdout: 'Sign-in answer accepted.\n' })
    expect((await cli.done).code).toBe(0)
    expect(await connectionsOf(home)).toHaveLength(1)
  })

  it('by pasted code: no redirect_uri at all, the code read from stdin', async () => {
    const home = env()
    const cli = startCli(
      ['connect', 'dropbox', '--redirect', 'manual', '--no-browser', '--json'],
      home,
    )
    const authorizeUrl = await cli.firstLine
    expect(new URL(authorizeUrl).searchParams.has('redirect_uri')).toBe(false)
    await cli.stderrIncludes('Paste the code')
    cli.child.stdin.write('not-a-real-code-0000\n')
    await cli.stderrIncludes('Dropbox refused the authorization code')
    cli.child.stdin.end((await authorizeShownCode(authorizeUrl)) + '\n')
    const result = await cli.done
    expect(result.code).toBe(0)
    expect(await connectionsOf(home)).toHaveLength(1)
  })

  it('reconnecting the same account keeps its connection id', async () => {
    const home = env()
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const cli = startCli(
        ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser', '--json'],
        home,
      )
      await fetch(await authorizeRedirect(await cli.firstLine))
      const result = await cli.done
      ids.push(JSON.parse(result.stdout.split('\n').slice(1).join('\n')).connection_id)
    }
    expect(ids[1]).toBe(ids[0])
    expect(await connectionsOf(home)).toHaveLength(1)
  })

  it('when Dropbox is refused, both the browser answer and connect say so', async () => {
    const home = env()
    const cli = startCli(['connect', 'dropbox', '--redirect', 'scheme', '--no-browser'], home)
    emulator.denyNextAuthorization()
    const answer = await authorizeRedirect(await cli.firstLine)
    expect(answer).toContain('error=access_denied')
    const delivered = await runCli(['open-url', answer], home)
    expect(delivered.code).toBe(1)
    expect(delivered.stderr).toMatch(
      /^Error: Dropbox did not grant access: The user chose not to give your app access/,
    )
    const result = await cli.done
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Dropbox did not grant access')
    expect(await connectionsOf(home)).toHaveLength(0)
  })

  it('gives up after the sign-in timeout and prints the exact redirect URI to register', async () => {
    const home = env({ FTB_SIGN_IN_TIMEOUT: '1' })
    const result = await runCli(
      ['connect', 'dropbox', '--redirect', 'loopback', '--no-browser'],
      home,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `The redirect URI that must be registered in your Dropbox app, exactly, is http://127.0.0.1:${loopbackPort}/oauth/callback`,
    )
  })

  it('refuses an unknown provider, a disabled provider and a bad --redirect', async () => {
    expect(await runCli(['connect', 'gdrive', '--no-browser'], env())).toMatchObject({ code: 1 })
    const disabled = await runCli(
      ['connect', 'dropbox', '--no-browser'],
      env({ DROPBOX_APP_KEY: '' }),
    )
    expect(disabled.code).toBe(1)
    expect(disabled.stderr).toMatch(
      /^Error: Dropbox needs an app key.*DROPBOX_APP_KEY.*providers configure/,
    )
    const usage = await runCli(['connect', 'dropbox', '--redirect', 'carrier-pigeon'], env())
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--redirect must be scheme, loopback or manual')
  })
})
