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

  it("keeps a concurrent session's acknowledged pieces and those on the wire, gaps and all", () => {
    const MIB4 = 4 * 1024 * 1024
    const big = { ...file, size: 5 * MIB4 + 7 }
    const state: DropboxResume = {
      ...saved,
      size: big.size,
      offset: 0,
      pieces: [
        [MIB4, MIB4],
        [3 * MIB4, 2 * MIB4 + 7],
      ],
      sending: [[0, MIB4]],
    }
    expect(usableResume(state, big, NOW)).toEqual(state)
  })

  it('ignores pieces off 4 MiB offsets, overlapping, outside the file or malformed', () => {
    const MIB4 = 4 * 1024 * 1024
    const big = { ...file, size: 3 * MIB4 }
    const base = { ...saved, size: big.size, offset: 0 }
    for (const pieces of [
      [[1000, MIB4]],
      [
        [0, 2 * MIB4],
        [MIB4, MIB4],
      ],
      [[2 * MIB4, 2 * MIB4]],
      [[0, 0]],
      [[0]],
      'all',
    ]) {
      expect(usableResume({ ...base, pieces }, big, NOW), JSON.stringify(pieces)).toBeUndefined()
    }
    const overlapping = { ...base, pieces: [[0, MIB4]], sending: [[0, MIB4]] }
    expect(usableResume(overlapping, big, NOW)).toBeUndefined()
  })
})
