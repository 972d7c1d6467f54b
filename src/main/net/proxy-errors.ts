import { AppError } from '../../shared/app-error.ts'
import { proxyLabel } from './proxy-route.ts'

/**
 * Errors in opening a connection. Through a proxy, the only connection we open is the one to the
 * proxy (the proxy opens the one to the server), so these are about the proxy, not the server.
 * A reset or timeout later on may be the server's doing, so those stay `network` errors.
 */
const FIRST_HOP_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** The proxy answered CONNECT with `status` instead of 200. */
export function proxyRefusal(proxy: URL, status: number, target: string): AppError {
  const where = `The proxy ${proxyLabel(proxy)}`
  // 407 is the proxy's own status; a 401 to CONNECT (tinyproxy's) can only be the proxy's too,
  // as the server has not been reached yet.
  if (status === 407 || status === 401)
    return new AppError(
      'proxy_auth_required',
      `${where} asked for a user name and password (${status}) before connecting to ${target}.`,
    )
  const why =
    status === 403
      ? `refused to connect to ${target}`
      : `could not connect to ${target} (its answer: ${status})`
  return new AppError('proxy_refused', `${where} ${why}.`)
}

/** The connection to the proxy itself failed: nothing listens there, or it hung up. */
export function proxyUnreachable(proxy: URL, error: unknown): AppError {
  const code = errorCode(error) ?? 'no answer'
  return new AppError(
    'proxy_refused',
    `The proxy ${proxyLabel(proxy)} cannot be reached (${code}).`,
    {
      cause: error,
    },
  )
}

/** Is this transport error about the first hop (the connection to the proxy)? */
export function isFirstHopError(error: unknown): boolean {
  const code = errorCode(error)
  return code !== undefined && FIRST_HOP_CODES.has(code)
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
