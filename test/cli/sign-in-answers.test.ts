import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DropboxEmulator } from '../emulators/dropbox/index.ts'
import { authorizeRedirect } from '../support/browser.ts'
import { runCli, startCli, type RunningCli } from '../support/cli-process.ts'
import { cliEnv, startEmulator } from '../support/dropbox-fixture.ts'

let emulator: DropboxEmulator
let loopbackPort: number
beforeAll(async () => ({ emulator, loopbackPort } = await startEmulator()))
afterAll(() => emulator.close())

const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv(emulator, loopbackPort, extra)
const CALLBACK = 'fermentrack-backup://oauth/callback'

function connectByScheme(home: NodeJS.ProcessEnv): RunningCli {
  return startCli(['connect', 'dropbox', '--redirect', 'scheme', '--no-browser', '--json'], home)
}

async function connectionCount(home: NodeJS.ProcessEnv): Promise<number> {
  return JSON.parse((await runCli(['connections', '--json'], home)).stdout).length
}

/** Ends a waiting connect with its own genuine answer, proving it was still waiting. */
async function finishGenuinely(cli: RunningCli, home: NodeJS.ProcessEnv) {
  expect(
    (await runCli(['open-url', await authorizeRedirect(await cli.firstLine)], home)).code,
  ).toBe(0)
  expect((await cli.done).code).toBe(0)
}

describe('sign-in answers that must be refused', () => {
  it('a forged state is refused and the real sign-in still completes', async () => {
    const home = env()
    const cli = connectByScheme(home)
    await cli.firstLine
    const forged = await runCli(
      ['open-url', `${CALLBACK}?code=abcdefghijklmnop&state=forged-state-value`],
      home,
    )
    expect(forged.code).toBe(1)
    expect(forged.stderr).toMatch(
      /^Error: The sign-in answer does not belong to a sign-in this app started/,
    )
    expect(await connectionCount(home)).toBe(0)
    await finishGenuinely(cli, home)
  })

  it('a replayed answer is refused as already used, and creates nothing', async () => {
    const home = env()
    const first = connectByScheme(home)
    const answer = await authorizeRedirect(await first.firstLine)
    expect((await runCli(['open-url', answer], home)).code).toBe(0)
    await first.done
    const second = connectByScheme(home)
    await second.firstLine
    const replay = await runCli(['open-url', answer], home)
    expect(replay.code).toBe(1)
    expect(replay.stderr).toMatch(/^Error: The sign-in answer was already used once/)
    expect(await connectionCount(home)).toBe(1)
    second.child.kill('SIGINT')
    expect((await second.done).code).toBe(1)
  })

  it('an answer older than the sign-in lifetime is refused as expired', async () => {
    const home = env({ FTB_SIGN_IN_TIMEOUT: '1' })
    const first = connectByScheme(home)
    const stale = await authorizeRedirect(await first.firstLine)
    const timedOut = await first.done
    expect(timedOut.code).toBe(1)
    expect(timedOut.stderr).toContain(
      'The redirect URI that must be registered in your Dropbox app, exactly, is fermentrack-backup://oauth/callback',
    )
    const second = connectByScheme({ ...home, FTB_SIGN_IN_TIMEOUT: '' })
    await second.firstLine
    const late = await runCli(['open-url', stale], home)
    expect(late.code).toBe(1)
    expect(late.stderr).toMatch(/^Error: The sign-in answer came after the 10-minute limit/)
    expect(await connectionCount(home)).toBe(0)
    await finishGenuinely(second, home)
  })

  it('a forged state on the loopback port gets an error page, not a connection', async () => {
    const home = env()
    const cli = startCli(['connect', 'dropbox', '--redirect', 'loopback', '--no-browser'], home)
    const authorizeUrl = await cli.firstLine
    const forged = await fetch(
      `http://127.0.0.1:${loopbackPort}/oauth/callback?code=abcdefghijkl&state=nope`,
    )
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('does not belong to a sign-in this app started')
    const rebinding = await getWithHost(
      `http://127.0.0.1:${loopbackPort}/oauth/callback?code=x&state=y`,
      'evil.example',
    )
    expect(rebinding).toBe(421)
    expect((await fetch(await authorizeRedirect(authorizeUrl))).status).toBe(200)
    expect((await cli.done).code).toBe(0)
  })

  it('open-url with no connect waiting says so', async () => {
    const result = await runCli(['open-url', `${CALLBACK}?code=abcdefghijklmnop&state=abc`], env())
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^Error: No `connect` is waiting/)
  })

  it.each([
    [
      'a wrong scheme',
      'https://oauth/callback?code=abc&state=abc',
      'must start with fermentrack-backup://oauth/callback',
    ],
    ['a wrong path', `fermentrack-backup://oauth/other?code=abc&state=abc`, 'must start with'],
    ['no code', `${CALLBACK}?state=abc`, 'has no code'],
    ['no state', `${CALLBACK}?code=abc`, 'has no state'],
    ['a huge query', `${CALLBACK}?code=abc&state=${'a'.repeat(10_000)}`, 'is too long'],
    ['bad percent-encoding', `${CALLBACK}?code=%E0%A4%A&state=abc`, 'broken percent-encoding'],
    ['a repeated state', `${CALLBACK}?code=abc&state=a&state=b`, 'repeats "state"'],
    ['not a URL at all', 'definitely not a url', 'not a valid URL'],
  ])('rejects %s cleanly, changing nothing', async (_name, url, reason) => {
    const home = env()
    const cli = connectByScheme(home)
    await cli.firstLine
    const result = await runCli(['open-url', url], home)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(reason)
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    await finishGenuinely(cli, home)
  })
})

/** fetch will not send a foreign Host header; a DNS-rebinding page's request would carry one. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}
