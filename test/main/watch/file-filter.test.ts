import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileFilter } from '../../../src/main/watch/file-filter.ts'

const ROOT = join('/srv', 'fermentrack', 'backup_files')
const file = { isFile: () => true, isDirectory: () => false }
const folder = { isFile: () => false, isDirectory: () => true }

describe('createFileFilter', () => {
  const flat = createFileFilter(ROOT, {})
  const deep = createFileFilter(ROOT, { recursive: true })

  it.each([
    ['2026-11-22T10.00.00.tar.xz', true],
    ['brewhouse.zip', true],
    ['NO-TIMESTAMP.TAR.XZ', true],
    ['notes.txt', false],
    ['a.tar', false],
    ['.2026.tar.xz', false],
    ['~lock.tar.xz', false],
    ['a.tar.xz.part', false],
    ['a.tar.xz.tmp', false],
    ['a.tar.xz.PART', false],
  ])('default patterns: %s → %s', (name, expected) => {
    expect(flat.isCandidate(name)).toBe(expected)
  })

  it('never lets a pattern bring back a temporary name', () => {
    const everything = createFileFilter(ROOT, { patterns: ['*'] })
    expect(everything.isCandidate('x.bin')).toBe(true)
    expect(everything.isCandidate('x.part')).toBe(false)
    expect(everything.isCandidate('.x')).toBe(false)
  })

  it('falls back to the default patterns when none are given', () => {
    expect(createFileFilter(ROOT, { patterns: [] }).isCandidate('a.zip')).toBe(true)
    expect(createFileFilter(ROOT, { patterns: [' '] }).isCandidate('a.tar.xz')).toBe(true)
  })

  it('never ignores the root or the folders above it', () => {
    expect(flat.isIgnored(ROOT, folder)).toBe(false)
    expect(flat.isIgnored(join('/srv', 'fermentrack'), folder)).toBe(false)
    expect(flat.isIgnored('/srv')).toBe(false)
  })

  it('ignores subfolders unless recursive, and staging/ and dot folders always', () => {
    expect(flat.isIgnored(join(ROOT, 'sub'), folder)).toBe(true)
    expect(deep.isIgnored(join(ROOT, 'sub'), folder)).toBe(false)
    expect(deep.isIgnored(join(ROOT, 'sub'))).toBe(false)
    expect(deep.isIgnored(join(ROOT, 'staging'))).toBe(true)
    expect(deep.isIgnored(join(ROOT, 'sub', 'staging'), folder)).toBe(true)
    expect(deep.isIgnored(join(ROOT, '.git'), folder)).toBe(true)
    expect(deep.isIgnored(join(ROOT, 'staging', 'a.tar.xz'), file)).toBe(true)
    expect(deep.isIgnored(join(ROOT, 'sub', 'a.tar.xz'), file)).toBe(false)
    expect(deep.isIgnored(join(ROOT, 'sub', 'a.txt'), file)).toBe(true)
  })

  it('decides files by name, with or without stats', () => {
    expect(flat.isIgnored(join(ROOT, 'a.tar.xz'))).toBe(false)
    expect(flat.isIgnored(join(ROOT, 'a.tar.xz'), file)).toBe(false)
    expect(flat.isIgnored(join(ROOT, 'a.txt'))).toBe(true)
    expect(flat.isIgnored(join(ROOT, 'a.tar.xz'), folder)).toBe(true)
    expect(flat.isIgnored(join(ROOT, '..hidden.tar.xz'), file)).toBe(true)
  })
})
