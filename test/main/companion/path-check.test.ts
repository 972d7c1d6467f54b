import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FolderPathCheck } from '../../../src/main/companion/path-check.ts'
import { isAppError } from '../../../src/shared/app-error.ts'
import { tempDir } from '../../support/cli-process.ts'

const root = tempDir('path-check')
afterAll(() => rmSync(root, { recursive: true, force: true }))
const home = join(root, 'home')
const outside = join(root, 'backups')
mkdirSync(join(home, 'logs'), { recursive: true })
mkdirSync(outside)
writeFileSync(join(root, 'file.tar.xz'), 'x')

/** The error check() refuses with, or undefined if it accepts. */
async function refusal(
  value: string | null,
  options: { current?: string | null; check?: FolderPathCheck } = {},
) {
  const check = options.check ?? new FolderPathCheck(home)
  return check.check('watchFolder', value, options.current ?? null).then(
    () => undefined,
    (error: unknown) => {
      if (!isAppError(error, 'invalid_setting')) throw error
      return error.message
    },
  )
}

describe('FolderPathCheck', () => {
  it('accepts a typed full path to an existing folder outside FTB_HOME, and clearing', async () => {
    expect(await refusal(outside)).toBeUndefined()
    // Beside FTB_HOME, with a name that starts the same, is outside it.
    mkdirSync(`${home}-2`)
    expect(await refusal(`${home}-2`)).toBeUndefined()
    expect(await refusal(null)).toBeUndefined()
  })

  it('refuses a relative path', async () => {
    expect(await refusal('backups')).toContain(
      '"watchFolder" cannot be "backups": it is not a full path',
    )
  })

  it('refuses a path that does not exist, or is a file', async () => {
    expect(await refusal(join(root, 'nowhere'))).toContain('does not exist')
    expect(await refusal(join(root, 'file.tar.xz'))).toContain('is not a folder')
  })

  it('refuses FTB_HOME, a folder inside it, and a link that leads into it', async () => {
    symlinkSync(home, join(root, 'innocent'))
    for (const path of [home, join(home, 'logs'), join(root, 'innocent', 'logs')]) {
      const message = await refusal(path)
      expect(message, path).toContain(`is inside the app's own data folder (${home})`)
      expect(message, path).toContain('Pick the folder with Choose…')
      expect(message, path).toContain('nothing was changed')
    }
  })

  it('accepts the value already set, whatever it is', async () => {
    expect(await refusal('relative/old', { current: 'relative/old' })).toBeUndefined()
    expect(await refusal(join(home, 'logs'), { current: join(home, 'logs') })).toBeUndefined()
  })

  it('accepts any folder its picker returned in this session, and only those', async () => {
    const check = new FolderPathCheck(home)
    expect(check.remember(join(home, 'logs'))).toBe(join(home, 'logs'))
    expect(check.remember('/picked/on/a/share')).toBe('/picked/on/a/share')
    expect(check.remember(null)).toBeNull()
    expect(await refusal(join(home, 'logs'), { check })).toBeUndefined()
    expect(await refusal('/picked/on/a/share', { check })).toBeUndefined()
    expect(await refusal('/picked/on/a', { check })).toContain('does not exist')
    // Another session (a new check) has picked nothing.
    expect(await refusal('/picked/on/a/share')).toContain('does not exist')
  })
})
