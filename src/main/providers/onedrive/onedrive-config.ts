import { AppError } from '../../../shared/app-error.ts'

/**
 * Where Microsoft lives. Tests point both at the Graph emulator, which serves the identity
 * platform and Graph on one origin.
 */
export interface OneDriveEndpoints {
  /** The identity platform's host; the `common` tenant's v2.0 endpoints are beneath it. */
  loginUrl: string
  /** Graph's host; the `/v1.0` paths are beneath it. */
  graphUrl: string
}

/** The app folder only, offline access for a refresh token, and the user's name for the card. */
export const ONEDRIVE_SCOPES = ['Files.ReadWrite.AppFolder', 'offline_access', 'User.Read']

export function oneDriveEndpoints(env: NodeJS.ProcessEnv = process.env): OneDriveEndpoints {
  return {
    loginUrl: endpoint('FTB_MICROSOFT_LOGIN_URL', env, 'https://login.microsoftonline.com'),
    graphUrl: endpoint('FTB_GRAPH_API_URL', env, 'https://graph.microsoft.com'),
  }
}

/** Bearer tokens never travel in clear text: http is allowed for this machine only (tests). */
function endpoint(variable: string, env: NodeJS.ProcessEnv, fallback: string): string {
  const raw = env[variable] || fallback
  const url = URL.canParse(raw) ? new URL(raw) : undefined
  const loopback = url !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url?.protocol === 'https:' || (url?.protocol === 'http:' && loopback))
    return raw.replace(/\/+$/, '')
  throw new AppError(
    'usage',
    `${variable} must be an https URL such as ${fallback} (plain http only on 127.0.0.1).`,
  )
}
