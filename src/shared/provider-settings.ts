import { z } from 'zod'
import { REMOTE_FOLDER } from './remote-folder.ts'

/** Every provider the app knows, built or coming (the registry says which are built). */
export const PROVIDER_IDS = [
  'dropbox',
  'google-drive',
  'onedrive',
  'nextcloud',
  'webdav',
  's3',
  'local',
] as const
export const ProviderId = z.enum(PROVIDER_IDS)
export type ProviderId = z.infer<typeof ProviderId>

/** The destination id of the local/NAS folder, beside connection ids: it needs no sign-in. */
export const LOCAL_DESTINATION_ID = 'local'

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/** Whether a URL may carry credentials: https, or plain http to this machine only (tests, dev). */
export function isSafeUrl(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  return (
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname))
  )
}

export const SafeUrl = z.string().max(2000).refine(isSafeUrl, {
  message: 'must be an https URL (plain http only on 127.0.0.1 or localhost)',
})

/** Kasm's "Authorization URL Options": extra query parameters, a JSON object of strings. */
export const AuthorizationUrlOptions = z.record(z.string().min(1).max(100), z.string().max(500))

export const DefaultTarget = z
  .string()
  .max(1000)
  .regex(REMOTE_FOLDER, 'must be an absolute folder such as "/Fermentrack Backups"')

/**
 * What the user may set per provider (Kasm's form). Only what differs from the defaults is
 * stored, so "Reset to defaults" is deleting the entry and new defaults reach existing installs.
 * The client secret is not here: it lives in the secret store.
 */
export const ProviderOverrides = z
  .object({
    enabled: z.boolean(),
    clientId: z.string().trim().min(1).max(500),
    authorizationUrl: SafeUrl,
    authorizationUrlOptions: AuthorizationUrlOptions,
    tokenUrl: SafeUrl,
    scopes: z.array(z.string().min(1).max(200)).max(50),
    defaultTarget: DefaultTarget,
  })
  .partial()
  .strict()
export type ProviderOverrides = z.infer<typeof ProviderOverrides>

/** Where the effective client id came from: shown so a user knows what a change will override. */
export const ClientIdSource = z.enum(['settings', 'environment', 'built-in', 'none'])

/** One provider's effective settings, as the window and `providers show` present them. */
export const ProviderSettingsView = z.object({
  provider_id: ProviderId,
  display_name: z.string(),
  auth: z.enum(['oauth-pkce', 'login-flow', 'password', 'access-keys', 'none']),
  is_enabled: z.boolean(),
  /** Why it is not enabled, in one sentence with the fix, when it is not. */
  reason: z.string().nullable(),
  /** False only for providers that are listed but not built yet ("coming soon"). */
  available: z.boolean(),
  enabled: z.boolean(),
  /** The OAuth fields; null for providers that sign in another way. */
  oauth: z
    .object({
      clientId: z.string().nullable(),
      clientIdSource: ClientIdSource,
      /** Only whether one is stored: the secret itself never leaves the secret store. */
      clientSecretSet: z.boolean(),
      /** Whether this provider's desktop clients use a secret at all (Google's do). */
      usesClientSecret: z.boolean(),
      authorizationUrl: z.string(),
      authorizationUrlOptions: AuthorizationUrlOptions,
      tokenUrl: z.string(),
      redirectUris: z.array(z.string()),
      scopes: z.array(z.string()),
    })
    .nullable(),
  defaultTarget: z.string(),
  /** The README section that explains this provider's setup. */
  docsUrl: z.string(),
})
export type ProviderSettingsView = z.infer<typeof ProviderSettingsView>

/** A change from the window or `providers configure`; clientSecret goes to the secret store. */
export const ProviderConfigureRequest = z
  .object({
    provider: ProviderId,
    changes: ProviderOverrides,
    /** A new client secret; "" removes the stored one. */
    clientSecret: z.string().max(1000).optional(),
    reset: z.boolean().optional(),
  })
  .strict()
export type ProviderConfigureRequest = z.infer<typeof ProviderConfigureRequest>
