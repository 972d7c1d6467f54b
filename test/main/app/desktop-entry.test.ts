import { describe, expect, it } from 'vitest'
import { desktopEntry, execLine, quoteExecArg } from '../../../src/main/app/desktop-entry.ts'

describe('quoteExecArg', () => {
  it.each([
    ['/opt/app/fermentrack-backup-companion', '"/opt/app/fermentrack-backup-companion"'],
    ['/home/brewer/My Apps/FBC.AppImage', '"/home/brewer/My Apps/FBC.AppImage"'],
    ['/home/$USER/a"b`c', '"/home/\\\\$USER/a\\\\"b\\\\`c"'],
    ['C:\\odd\\path', '"C:\\\\\\\\odd\\\\\\\\path"'],
    ['/tmp/100%', '"/tmp/100%%"'],
  ])('quotes %s', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted)
  })

  it('refuses a line break, which would start a new key', () => {
    expect(() => quoteExecArg('/tmp/x\nExec=/bin/evil')).toThrow(/control character/)
  })
})

describe('desktopEntry', () => {
  it('writes a [Desktop Entry] group with an Exec line of quoted arguments and flags', () => {
    expect(
      desktopEntry({ Type: 'Application', Exec: execLine(['/a b/app', '/x'], ['--hidden']) }),
    ).toBe('[Desktop Entry]\nType=Application\nExec="/a b/app" "/x" --hidden\n')
  })

  it('refuses a value with a line break', () => {
    expect(() => desktopEntry({ Name: 'a\nExec=evil' })).toThrow(/line break/)
  })
})
