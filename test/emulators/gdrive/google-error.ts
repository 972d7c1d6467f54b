/** A reply as the emulator's routes build it, sent by server.ts. */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: Buffer | string
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify(value),
  }
}

/**
 * Drive's error body: `{error: {code, message, errors: [{domain, reason, message}]}}`, the
 * reason being what a client acts on (storageQuotaExceeded, userRateLimitExceeded, notFound …).
 */
export function driveError(
  status: number,
  reason: string,
  message: string,
  domain = 'global',
  headers: Record<string, string> = {},
): Reply {
  return json(
    status,
    { error: { code: status, message, errors: [{ domain, reason, message }] } },
    headers,
  )
}

export const notFound = (id: string) => driveError(404, 'notFound', `File not found: ${id}.`)
export const badRequest = (message: string) => driveError(400, 'badRequest', message)

/** What Google answers a missing, bad or expired access token with. */
export function unauthenticated(): Reply {
  return json(
    401,
    {
      error: {
        code: 401,
        message:
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        errors: [
          {
            domain: 'global',
            reason: 'authError',
            message: 'Invalid Credentials',
            locationType: 'header',
            location: 'Authorization',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  )
}

/** The token endpoint's errors are plain OAuth 2 (RFC 6749 §5.2), not Drive's shape. */
export function oauthError(status: number, error: string, description: string): Reply {
  return json(status, { error, error_description: description })
}
