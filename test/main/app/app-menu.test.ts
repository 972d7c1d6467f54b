import { describe, expect, it } from 'vitest'
import { applicationMenuTemplate } from '../../../src/main/app/app-menu.ts'

type Template = ReturnType<typeof applicationMenuTemplate>

function roles(template: Template): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu as Template) : []),
  ])
}

describe('applicationMenuTemplate', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('has Quit and editing on %s', (platform) => {
    const all = roles(applicationMenuTemplate(platform, true, 'FBC'))
    expect(all).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'selectAll']))
  })

  it('offers developer tools only in unpackaged runs', () => {
    expect(roles(applicationMenuTemplate('linux', true, 'FBC'))).not.toContain('toggleDevTools')
    expect(roles(applicationMenuTemplate('linux', false, 'FBC'))).toContain('toggleDevTools')
  })
})
