import { describe, expect, it } from 'vitest'
import { AppError, isAppError } from '../../src/shared/app-error.ts'

describe('AppError', () => {
  it('names the cause and the fix from the error table', () => {
    const error = new AppError('needs_reauth')
    expect(error.message).toMatch(
      /^The provider no longer accepts this connection's sign-in .*; reconnect\. Run/,
    )
    expect(error.toPayload()).toEqual({ code: 'needs_reauth', message: error.message })
    expect(isAppError(error, 'needs_reauth')).toBe(true)
    expect(isAppError(new Error('x'))).toBe(false)
  })
})
