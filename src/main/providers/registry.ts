import type { ProviderId } from '../../shared/settings-schema.ts'

/** The shape of Fermentrack's /api/cloud_storage/providers/, so the two tools speak alike. */
export interface ProviderInfo {
  provider_id: ProviderId
  display_name: string
  is_enabled: boolean
}

export function listProviders(dropboxAppKey: string | null): ProviderInfo[] {
  return [
    { provider_id: 'dropbox', display_name: 'Dropbox', is_enabled: dropboxAppKey !== null },
    // The embedded default: copying to a folder (a NAS mount, say) needs no account.
    { provider_id: 'local', display_name: 'Local or NAS folder', is_enabled: true },
  ]
}
