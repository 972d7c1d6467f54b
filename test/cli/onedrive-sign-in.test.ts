import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GraphEmulator } from '../emulators/graph/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli } from '../support/cli-process.ts'
import { oneDriveEnv, startOneDriveEmulator } from '../support/onedrive-fixture.ts'

let emulator: GraphEmulator
let loopbackPort: number
/** Something else holds FTB_LOOPBACK_PORT: a sign-in bound to that fixed port could not start. */
let squatter: Server

beforeAll(async () => {
  ;({ emulator, loopbackPort } = await startOneDriveEmulator())
  squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(loopbackPort, '127.0.0.1', resolve))
})
afterAll(async () => {
  await new Promise((resolve) => squatter?.close(resolve))
  await emulator?.close()
})

async function connectionsOf(env: NodeJS.ProcessEnv) {
  const result = await runCli(['connections', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as Array<{ provider: string; status: string }>
}

/** `connect onedrive --redirect <kind>` in a fresh home, and the authorize URL it printed. */
async function startConnect(kind: 'loopback' | 'scheme') {
  const env = oneDriveEnv(emulator, loopbackPort)
  const cli = startCli(['connect', 'onedrive', '--redirect', kind, '--no-browser', '--json'], env)
  return { env, cli, authorizeUrl: await cli.firstLine }
}

describe('connect onedrive: the two redirects Microsoft takes from a desktop app', () => {
  it('by loopback on a port the OS picks (Microsoft ignores a loopback port), so a busy FTB_LOOPBACK_PORT does not matter', async () => {
    const { env, cli, authorizeUrl } = await startConnect('loopback')
    const redirect = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') ?? '')
    expect(`${redirect.protocol}//${redirect.hostname}${redirect.pathname}`).toBe(
      'http://localhost/oauth/callback',
    )
    expect(Number(redirect.port)).not.toBe(loopbackPort)
    await fetch(await authorizeRedirect(authorizeUrl))
    const result = await cli.done
    expect(result.code, result.stderr).toBe(0)
    expect(await connectionsOf(env)).toMatchObject([{ provider: 'onedrive', status: 'connected' }])

    const shown = await runCli(['providers', 'show', 'onedrive', '--json'], env)
    expect(JSON.parse(shown.stdout).oauth.redirect_uris).toEqual([
      'fermentrack-backup://oauth/callback',
      'http://localhost:<any port>/oauth/callback',
    ])
  })

  it('by custom scheme: Microsoft redirects to fermentrack-backup://oauth/callback and open-url hands the answer to the waiting connect', async () => {
    const { env, cli, authorizeUrl } = await startConnect('scheme')
    const params = new URL(authorizeUrl).searchParams
    expect(params.get('redirect_uri')).toBe('fermentrack-backup://oauth/callback')
    expect(params.get('code_challenge_method')).toBe('S256')
    const answer = await authorizeRedirect(authorizeUrl)
    expect(answer).toMatch(/^fermentrack-backup:\/\/oauth\/callback\?code=/)

    const delivered = await runCli(['open-url', answer], env)

    expect(delivered).toMatchObject({ code: 0, stdout: 'Sign-in answer accepted.\n' })
    const result = await cli.done
    expect(result.code, result.stderr).toBe(0)
    expect(await connectionsOf(env)).toMatchObject([{ provider: 'onedrive', status: 'connected' }])
    // The code was redeemed at Microsoft's token endpoint, with the same scheme redirect.
    expect(
      emulator.requests.some((r) => r.path.endsWith('/oauth2/v2.0/token') && r.status === 200),
    ).toBe(true)
  })
})
