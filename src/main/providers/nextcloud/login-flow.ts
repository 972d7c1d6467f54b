import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../../../shared/app-error.ts'
import { cannotReach, type FetchFn } from '../../net/fetch-with-retry.ts'

/** Nextcloud drops a Login Flow v2 after 20 minutes; polling longer cannot succeed. */
export const LOGIN_FLOW_TIMEOUT_MS = 20 * 60 * 1000
const POLL_INTERVAL_MS = 1000

/** Nextcloud names the app password after the client's User-Agent in the user's security settings. */
export const USER_AGENT = 'Fermentrack Backup Companion'

export interface LoginFlowGrant {
  server: string
  loginName: string
  appPassword: string
}

export interface LoginFlowOptions {
  fetch: FetchFn
  now: () => number
  onLoginUrl?: (url: string) => void | Promise<void>
  signal?: AbortSignal
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * "https://cloud.example.com/" or ".../index.php" as the base URL, or a one-line error. Plain
 * http only on this machine: the app password goes with every request (Basic auth), so it must
 * not cross a network in clear text.
 */
export function serverBase(raw: string): string {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    url = new URL('invalid:')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AppError(
      'invalid_setting',
      `"${raw}" is not a Nextcloud server address: give its URL, such as https://cloud.example.com.`,
    )
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    throw new AppError(
      'invalid_setting',
      `"${raw}" is plain http: use the server's https:// address, so the app password never travels in clear text.`,
    )
  return `${url.origin}${url.pathname.replace(/\/(index\.php\/?)?$/, '').replace(/\/+$/, '')}`
}

async function start(
  base: string,
  fetchFn: FetchFn,
): Promise<{ token: string; endpoint: string; login: string }> {
  let response: Response
  try {
    response = await fetchFn(`${base}/index.php/login/v2`, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT },
    })
  } catch (error) {
    throw cannotReach(base, error)
  }
  const body = (await response.json().catch(() => undefined)) as
    { poll?: { token?: unknown; endpoint?: unknown }; login?: unknown } | undefined
  const { token, endpoint } = body?.poll ?? {}
  if (
    response.status !== 200 ||
    typeof token !== 'string' ||
    typeof endpoint !== 'string' ||
    typeof body?.login !== 'string'
  )
    throw new AppError(
      'connection_test_failed',
      `${base} did not start a Nextcloud login (Login Flow v2 answered ${response.status}).`,
    )
  return { token, endpoint, login: body.login }
}

/** One poll: the grant, or undefined while the user has not granted yet (404) or on a hiccup. */
async function poll(
  endpoint: string,
  token: string,
  fetchFn: FetchFn,
  signal?: AbortSignal,
): Promise<LoginFlowGrant | undefined> {
  let response: Response
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT },
      body: new URLSearchParams({ token }),
      signal,
    })
  } catch {
    if (signal?.aborted) throw signal.reason
    return undefined // offline for a moment: the next poll tries again
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    if (response.status === 404 || response.status >= 500) return undefined
    throw new AppError('provider_error', `The Nextcloud login poll answered ${response.status}.`)
  }
  const grant = (await response.json()) as Partial<LoginFlowGrant>
  if (
    typeof grant.server !== 'string' ||
    typeof grant.loginName !== 'string' ||
    typeof grant.appPassword !== 'string'
  )
    throw new AppError('provider_error', 'The Nextcloud login poll answered without credentials.')
  return { server: grant.server, loginName: grant.loginName, appPassword: grant.appPassword }
}

/**
 * Login Flow v2 (developer manual, client_apis/LoginFlow): start a flow anonymously, hand the
 * login page to the user, and poll about once a second until Nextcloud hands over an app
 * password. The user's own password is typed into Nextcloud's page only, never here.
 */
export async function loginFlow(
  rawUrl: string,
  options: LoginFlowOptions,
): Promise<LoginFlowGrant> {
  const base = serverBase(rawUrl)
  const flow = await start(base, options.fetch)
  // The server counts its 20 minutes from the flow's start.
  const deadline = options.now() + LOGIN_FLOW_TIMEOUT_MS
  await options.onLoginUrl?.(flow.login)
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason
    const grant = await poll(flow.endpoint, flow.token, options.fetch, options.signal)
    if (grant) return grant
    if (options.now() >= deadline)
      throw new AppError(
        'redirect_timeout',
        'Nobody granted access on the Nextcloud login page within 20 minutes.',
      )
    await sleep(POLL_INTERVAL_MS, undefined, { signal: options.signal }).catch((error: unknown) => {
      throw options.signal?.aborted ? options.signal.reason : error
    })
  }
}
