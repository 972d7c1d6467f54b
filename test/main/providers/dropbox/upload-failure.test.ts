import { describe, expect, it } from 'vitest'
import type { DropboxFailure } from '../../../../src/main/providers/dropbox/dropbox-errors.ts'
import {
  uploadFailureOf,
  uploadFailureToError,
} from '../../../../src/main/providers/dropbox/upload-failure.ts'

const failure = (error: unknown): DropboxFailure => ({
  status: 409,
  tag: (error as { '.tag': string })['.tag'],
  summary: 'summary/..',
  body: { error_summary: 'summary/..', error },
})

describe('upload route errors (files.stone shapes)', () => {
  it('reads incorrect_offset from append_v2 and from finish lookup_failed', () => {
    const append = uploadFailureOf(failure({ '.tag': 'incorrect_offset', correct_offset: 42 }))
    expect(append).toMatchObject({ tag: 'incorrect_offset', correctOffset: 42 })
    const finish = uploadFailureOf(
      failure({
        '.tag': 'lookup_failed',
        lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 7 },
      }),
    )
    expect(finish).toMatchObject({ tag: 'incorrect_offset', correctOffset: 7 })
  })

  it('reads the WriteError of upload (reason + upload_session_id) and of finish (path)', () => {
    const upload = uploadFailureOf(
      failure({
        '.tag': 'path',
        reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
        upload_session_id: 'sid',
      }),
    )
    expect(upload).toMatchObject({ tag: 'conflict', uploadSessionId: 'sid' })
    const finish = uploadFailureOf(
      failure({ '.tag': 'path', path: { '.tag': 'insufficient_space' } }),
    )
    expect(finish.tag).toBe('insufficient_space')
    expect(uploadFailureToError(finish, 'x').code).toBe('insufficient_space')
  })

  it('maps what is left to codes the queue acts on', () => {
    const code = (error: unknown) => uploadFailureToError(uploadFailureOf(failure(error)), 'r').code
    expect(code({ '.tag': 'too_many_write_operations' })).toBe('rate_limited')
    expect(code({ '.tag': 'path', path: { '.tag': 'no_write_permission' } })).toBe(
      'destination_unavailable',
    )
    expect(code({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'too_large' } })).toBe(
      'file_too_large',
    )
    expect(code({ '.tag': 'path', path: { '.tag': 'malformed_path' } })).toBe('provider_error')
  })
})
