import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createShellLog, scrub } from '../../../src/main/app/app-log.ts'

let home: string
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'ftb-log-'))
})
afterEach(async () => {
  await rm(home, { recursive: true, force: true })
})

describe('scrub', () => {
  it('masks codes and states inside URLs, and secret-looking fields', () => {
    expect(scrub('opened fermentrack-backup://oauth/callback?code=AbC123&state=s1')).toBe(
      'opened fermentrack-backup://oauth/callback?code=[redacted]&state=[redacted]',
    )
    expect(scrub({ refresh_token: 'r', nested: { note: 'x?access_token=zzz' } })).toEqual({
      refresh_token: '[redacted]',
      nested: { note: 'x?access_token=[redacted]' },
    })
  })

  it('keeps an error an error, minus what it carried in its URL', () => {
    const error = scrub(new Error('failed on https://x/?code=secret')) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe('failed on https://x/?code=[redacted]')
    expect(error.stack).not.toContain('secret')
  })
})

describe('createShellLog', () => {
  it('writes to <home>/logs, owner-only, with secrets masked', async () => {
    const log = createShellLog({ home, level: 'info', console: false })
    expect(log.file).toBe(path.join(home, 'logs', 'desktop.log'))
    log.debug('not at this level')
    log.info('sign-in link', {
      url: 'fermentrack-backup://oauth/callback?code=AbC&state=St',
      token: 't0k',
    })
    log.warn('plain')
    const text = await readFile(log.file, 'utf8')
    expect(text).toContain('[info]  sign-in link')
    expect(text).toContain('[warn]  plain')
    expect(text).not.toContain('not at this level')
    expect(text).not.toMatch(/AbC|St'|t0k/)
    expect((await stat(log.file)).mode & 0o777).toBe(0o600)
    expect((await stat(path.dirname(log.file))).mode & 0o777).toBe(0o700)
  })
})
