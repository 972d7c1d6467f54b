import { endpointFromEnv as checked } from '../oauth-settings.ts'

/** Where Google lives. Tests point these at the emulator (one origin serves them all). */
export interface GoogleEndpoints {
  authorizeUrl: string
  tokenUrl: string
  /** Drive v3 (`/drive/v3/…`) and its uploads (`/upload/drive/v3/…`). */
  apiUrl: string
  revokeUrl: string
}

/** Only what this app creates: backups stay visible to the user, nothing else is readable. */
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file'

export function googleEndpoints(env: NodeJS.ProcessEnv = process.env): GoogleEndpoints {
  return {
    authorizeUrl: checked(
      'FTB_GOOGLE_AUTH_URL',
      env,
      'https://accounts.google.com/o/oauth2/v2/auth',
    ),
    tokenUrl: checked('FTB_GOOGLE_TOKEN_URL', env, 'https://oauth2.googleapis.com/token'),
    apiUrl: checked('FTB_GOOGLE_API_URL', env, 'https://www.googleapis.com').replace(/\/+$/, ''),
    revokeUrl: checked('FTB_GOOGLE_REVOKE_URL', env, 'https://oauth2.googleapis.com/revoke'),
  }
}
