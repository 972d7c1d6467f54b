import { describe, expect, it } from 'vitest'
import {
  usableResume,
  type DropboxResume,
} from '../../../../src/main/providers/dropbox/resume-state.ts'

const NOW = Date.UTC(2026, 10, 22)
const DAY = 24 * 60 * 60 * 1000
const file = { path: '/x', name: 'a.tar.xz', size: 100, mtimeMs: 1234.5 }
const saved: DropboxResume = {
  kind: 'dropbox-upload-session',
  sessionId: 'pid_upload_session:abc',
  offset: 40,
  createdAt: NOW - DAY,
  size: 100,
  mtimeMs: 1234.5,
}

describe('usableResume', () => {
  it('continues a session for the same file version within 7 days', () => {
    expect(usableResume(saved, file, NOW)).toEqual(saved)
    expect(usableResume({ ...saved, offset: 100 }, file, NOW)?.offset).toBe(100)
  })

  it('starts over after 7 days (files.stone: sessions last 7 days)', () => {
    expect(usableResume({ ...saved, createdAt: NOW - 7 * DAY }, file, NOW)).toBeUndefined()
    expect(usableResume({ ...saved, createdAt: NOW - 7 * DAY + 1 }, file, NOW)).toBeDefined()
  })

  it('ignores state for another version of the file, or that is not ours', () => {
    for (const state of [
      { ...saved, size: 101 },
      { ...saved, mtimeMs: 99 },
      { ...saved, offset: 101 },
      { ...saved, offset: -1 },
      { ...saved, offset: 1.5 },
      { ...saved, sessionId: '' },
      { ...saved, kind: 'local-copy' },
      null,
      'pid_upload_session:abc',
      undefined,
    ]) {
      expect(usableResume(state, file, NOW)).toBeUndefined()
    }
  })
})
