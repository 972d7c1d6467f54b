import { endpointFromEnv as checked } from '../oauth-settings.ts'

/** Where Dropbox lives. Tests point these at the emulator through FTB_DROPBOX_* variables. */
export interface DropboxEndpoints {
  authorizeUrl: string
  apiUrl: string
  contentUrl: string
}

export const DROPBOX_SCOPES = [
  'files.metadata.read',
  'files.content.write',
  'files.content.read',
  'account_info.read',
]

export function dropboxEndpoints(env: NodeJS.ProcessEnv = process.env): DropboxEndpoints {
  return {
    authorizeUrl: checked('FTB_DROPBOX_AUTH_URL', env, 'https://www.dropbox.com/oauth2/authorize'),
    apiUrl: trimSlash(checked('FTB_DROPBOX_API_URL', env, 'https://api.dropboxapi.com')),
    contentUrl: trimSlash(
      checked('FTB_DROPBOX_CONTENT_URL', env, 'https://content.dropboxapi.com'),
    ),
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
