import { AppError } from '../../../shared/app-error.ts'

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

/** Tokens must never travel in clear text: plain http is accepted only on this machine (tests). */
function checked(name: string, env: NodeJS.ProcessEnv, fallback: string): string {
  const value = env[name] || fallback
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AppError('usage', `${name} is not a URL.`)
  }
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  if (url.protocol === 'https:' || (url.protocol === 'http:' && local)) return value
  throw new AppError('usage', `${name} must be an https URL (plain http only on 127.0.0.1).`)
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
