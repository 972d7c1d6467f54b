import { describe, expect, it } from 'vitest'
import { isAppError } from '../../../src/shared/app-error.ts'
import { DEFAULT_LOOPBACK_PORT } from '../../../src/main/auth/loopback-receiver.ts'
import { chooseRedirect, makeReceiver } from '../../../src/main/auth/redirect-choice.ts'
import { providerById } from '../../../src/main/providers/registry.ts'
import { tempDir } from '../../support/cli-process.ts'

const google = providerById('google-drive')!
const dropbox = providerById('dropbox')!
const fallback = () => 'scheme' as const

describe('which redirect a sign-in uses', () => {
  it("takes the provider's default when none is asked for, and the caller's for a provider that accepts all", () => {
    expect(chooseRedirect(google, undefined, fallback)).toBe('loopback')
    expect(chooseRedirect(dropbox, undefined, fallback)).toBe('scheme')
    expect(chooseRedirect(dropbox, 'manual', fallback)).toBe('manual')
  })

  it('refuses a redirect the provider does not accept, in one line naming the ones it does', () => {
    for (const asked of ['scheme', 'manual'] as const) {
      let error: unknown
      try {
        chooseRedirect(google, asked, fallback)
      } catch (caught) {
        error = caught
      }
      expect(isAppError(error, 'usage')).toBe(true)
      expect((error as Error).message).toMatch(
        new RegExp(`^Google Drive does not accept --redirect ${asked}; use loopback\\.`),
      )
    }
  })

  it('listens on a port the OS picks for a provider that takes any, on the fixed one otherwise', async () => {
    const env = {}
    const receiver = makeReceiver(google, 'loopback', tempDir('home'), env)
    await receiver.start(async () => {})
    try {
      const port = Number(new URL(receiver.redirectUri!).port)
      expect(port).toBeGreaterThan(0)
      expect(port).not.toBe(DEFAULT_LOOPBACK_PORT)
      const answer = await fetch(`${receiver.redirectUri}?state=x&code=y`)
      expect(answer.status).toBe(200)
    } finally {
      await receiver.close()
    }
    expect(makeReceiver(dropbox, 'loopback', tempDir('home'), env).redirectUri).toBe(
      `http://127.0.0.1:${DEFAULT_LOOPBACK_PORT}/oauth/callback`,
    )
  })
})
