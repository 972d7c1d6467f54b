import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SignInStates } from '../../../src/main/auth/sign-in-states.ts'
import { tempDir } from '../../support/cli-process.ts'

const REDIRECT = 'http://127.0.0.1:53135/oauth/callback'

function states(clock: { now: number }) {
  return new SignInStates(join(tempDir('states'), 'sign-ins.json'), { now: () => clock.now })
}

describe('SignInStates', () => {
  it('makes states of at least 128 random bits and keeps only their hash on disk', () => {
    const file = join(tempDir('states'), 'sign-ins.json')
    const registry = new SignInStates(file)
    const a = registry.begin('dropbox', REDIRECT)
    const b = registry.begin('dropbox', REDIRECT)
    expect(a.state).not.toBe(b.state)
    expect(Buffer.from(a.state, 'base64url').length * 8).toBeGreaterThanOrEqual(128)
    expect(readFileSync(file, 'utf8')).not.toContain(a.state)
    expect(readFileSync(file, 'utf8')).not.toContain(a.codeVerifier)
  })

  it('is single-use', () => {
    const registry = states({ now: 0 })
    const { state } = registry.begin('dropbox', REDIRECT)
    expect(registry.consume(state, 'dropbox', REDIRECT).state).toBe(state)
    expect(() => registry.consume(state, 'dropbox', REDIRECT)).toThrow(expect.objectContaining({ code: 'state_reused' }))
  })

  it('expires after 10 minutes', () => {
    const clock = { now: 0 }
    const registry = states(clock)
    const { state } = registry.begin('dropbox', REDIRECT)
    clock.now = 10 * 60 * 1000 + 1
    expect(() => registry.consume(state, 'dropbox', REDIRECT)).toThrow(expect.objectContaining({ code: 'state_expired' }))
  })

  it('is bound to the provider and the redirect URI it was made for', () => {
    const registry = states({ now: 0 })
    const { state } = registry.begin('dropbox', REDIRECT)
    expect(() => registry.consume(state, 'dropbox', 'fermentrack-backup://oauth/callback')).toThrow(
      expect.objectContaining({ code: 'invalid_state' }),
    )
    expect(() => registry.consume('made-up', 'dropbox', REDIRECT)).toThrow(expect.objectContaining({ code: 'invalid_state' }))
  })
})
