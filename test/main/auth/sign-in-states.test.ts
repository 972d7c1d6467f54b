import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SignInStates } from '../../../src/main/auth/sign-in-states.ts'
import { tempDir } from '../../support/cli-process.ts'

const REDIRECT = 'http://127.0.0.1:53135/oauth/callback'

function states(clock: { now: number }) {
  return new SignInStates(join(tempDir('states'), 'sign-ins.json'), { now: () => clock.now })
}

describe('SignInStates', async () => {
  it('makes states of at least 128 random bits and keeps only their hash on disk', async () => {
    const file = join(tempDir('states'), 'sign-ins.json')
    const registry = new SignInStates(file)
    const a = await registry.begin('dropbox', REDIRECT)
    const b = await registry.begin('dropbox', REDIRECT)
    expect(a.state).not.toBe(b.state)
    expect(Buffer.from(a.state, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    expect(readFileSync(file, 'utf8')).not.toContain(a.state)
    expect(readFileSync(file, 'utf8')).not.toContain(a.codeVerifier)
  })

  it('is single-use', async () => {
    const registry = states({ now: 0 })
    const { state } = await registry.begin('dropbox', REDIRECT)
    expect((await registry.consume(state, 'dropbox', REDIRECT)).state).toBe(state)
    await expect(registry.consume(state, 'dropbox', REDIRECT)).rejects.toThrow(
      expect.objectContaining({ code: 'state_reused' }),
    )
  })

  it('expires after 10 minutes', async () => {
    const clock = { now: 0 }
    const registry = states(clock)
    const { state } = await registry.begin('dropbox', REDIRECT)
    clock.now = 10 * 60 * 1000 + 1
    await expect(registry.consume(state, 'dropbox', REDIRECT)).rejects.toThrow(
      expect.objectContaining({ code: 'state_expired' }),
    )
  })

  it('is bound to the provider and the redirect URI it was made for', async () => {
    const registry = states({ now: 0 })
    const { state } = await registry.begin('dropbox', REDIRECT)
    await expect(
      registry.consume(state, 'dropbox', 'fermentrack-backup://oauth/callback'),
    ).rejects.toThrow(expect.objectContaining({ code: 'invalid_state' }))
    await expect(registry.consume('made-up', 'dropbox', REDIRECT)).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    )
  })
})
