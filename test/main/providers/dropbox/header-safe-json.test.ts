import { describe, expect, it } from 'vitest'
import { headerSafeJson } from '../../../../src/main/providers/dropbox/header-safe-json.ts'

describe('headerSafeJson', () => {
  it('escapes non-ASCII as UTF-16 \\uXXXX units (reference vector)', () => {
    expect(headerSafeJson({ path: '/Fotos/Ünïcødé 😀.txt' })).toBe(
      '{"path":"/Fotos/\\u00dcn\\u00efc\\u00f8d\\u00e9 \\ud83d\\ude00.txt"}',
    )
  })

  it('escapes DEL and leaves printable ASCII alone', () => {
    expect(headerSafeJson({ a: 'x\u007fy', b: '~ !"' })).toBe('{"a":"x\\u007fy","b":"~ !\\""}')
  })

  it('yields only header-safe bytes that parse back to the same value', () => {
    const value = { path: '/Ω/日本語/💾 backup.tar.xz', n: 1 }
    const header = headerSafeJson(value)
    expect(header).toMatch(/^[\x20-\x7e]*$/)
    expect(JSON.parse(header)).toEqual(value)
  })
})
