import { AppError } from '../../../shared/app-error.ts'
import type { AccountInfo, AccountSummary, SpaceUsage } from '../provider.ts'
import type { NextcloudClient } from './nextcloud-client.ts'

export interface NextcloudUser {
  id: string
  displayName: string
  email: string
}

/** GET /ocs/v1.php/cloud/user: the user id that names the DAV paths, and who it is. */
export async function ocsUser(client: NextcloudClient): Promise<NextcloudUser> {
  const response = await client.ocs('GET', '/ocs/v1.php/cloud/user?format=json', 'reading the user')
  const body = (await response.json().catch(() => undefined)) as
    { ocs?: { data?: { id?: unknown; 'display-name'?: unknown; email?: unknown } } } | undefined
  const data = body?.ocs?.data
  if (typeof data?.id !== 'string' || data.id === '')
    throw new AppError(
      'connection_test_failed',
      'Nextcloud did not say which user the app password belongs to.',
    )
  return {
    id: data.id,
    displayName:
      typeof data['display-name'] === 'string' && data['display-name']
        ? data['display-name']
        : data.id,
    email: typeof data.email === 'string' ? data.email : '',
  }
}

/** Space from PROPFIND quota props on the files root; null when the quota is unlimited (< 0). */
export async function space(client: NextcloudClient): Promise<SpaceUsage | null> {
  const [root] = (await client.propfind(`${client.filesRoot()}/`, 0, 'reading the quota')) ?? []
  const used = root?.quotaUsed
  const available = root?.quotaAvailable
  if (used === undefined || available === undefined || available < 0) return null
  return { used, allocated: used + available }
}

/** "brewer@cloud.example.com": the user id at the server, without the scheme. */
export function accountId(server: string, userId: string): string {
  const url = new URL(server)
  return `${userId}@${url.host}${url.pathname.replace(/\/$/, '')}`
}

export function accountSummary(server: string, user: NextcloudUser): AccountSummary {
  return { id: accountId(server, user.id), name: user.displayName, email: user.email }
}

export async function accountInfo(client: NextcloudClient): Promise<AccountInfo> {
  const user = await ocsUser(client)
  return { account: accountSummary(client.access.server, user), space: await space(client) }
}
