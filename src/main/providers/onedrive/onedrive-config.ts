import { endpointFromEnv } from '../oauth-settings.ts'

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

/** As every provider's endpoints: https, or http on this machine only (tests). */
function endpoint(variable: string, env: NodeJS.ProcessEnv, fallback: string): string {
  return endpointFromEnv(variable, env, fallback).replace(/\/+$/, '')
}
