import { AppError } from '../../shared/app-error.ts'

export const SCHEME = 'fermentrack-backup'
export const SCHEME_REDIRECT_URI = `${SCHEME}://oauth/callback`
const MAX_URL_LENGTH = 4096

/**
 * Parses a sign-in answer strictly: the exact redirect URI, sane size, valid percent-encoding and
 * no repeated parameters. Anything else is rejected before its state is even looked at.
 */
export function parseCallbackUrl(raw: string, redirectUri: string): URLSearchParams {
  if (raw.length > MAX_URL_LENGTH)
    throw malformed(`The sign-in address is too long (${raw.length} characters).`)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw malformed('The sign-in address is not a valid URL.')
  }
  const expected = new URL(redirectUri)
  if (
    `${url.protocol}//${url.host}${url.pathname}` !==
    `${expected.protocol}//${expected.host}${expected.pathname}`
  ) {
    throw malformed(`The sign-in address must start with ${redirectUri}.`)
  }
  const query = url.search.slice(1)
  for (const part of query.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '))
    } catch {
      throw malformed('The sign-in address has broken percent-encoding.')
    }
  }
  const params = new URLSearchParams(query)
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw malformed(`The sign-in address repeats "${name}".`)
  }
  if (!params.get('state')) throw malformed('The sign-in address has no state.')
  if (!params.get('code') && !params.get('error'))
    throw malformed('The sign-in address has no code.')
  return params
}

function malformed(detail: string): AppError {
  return new AppError('malformed_callback', detail)
}

/** Text from a provider's error page may reach a terminal: keep it short and printable. */
export function printable(text: string | null, max = 200): string {
  return (text ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, max)
}
