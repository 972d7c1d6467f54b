import type { ProviderId } from '../../shared/settings-schema.ts'

/** The shape of Fermentrack's /api/cloud_storage/providers/, so the two tools speak alike. */
export interface ProviderInfo {
  provider_id: ProviderId
  display_name: string
  is_enabled: boolean
}

const DISPLAY_NAMES: Record<ProviderId, string> = {
  dropbox: 'Dropbox',
  local: 'Local or NAS folder',
}

/** How a provider is named to the user: in the provider list, and in "Dropbox asked us to …". */
export function providerName(id: ProviderId): string {
  return DISPLAY_NAMES[id]
}

export function listProviders(dropboxAppKey: string | null): ProviderInfo[] {
  return [
    {
      provider_id: 'dropbox',
      display_name: providerName('dropbox'),
      is_enabled: dropboxAppKey !== null,
    },
    // The embedded default: copying to a folder (a NAS mount, say) needs no account.
    { provider_id: 'local', display_name: providerName('local'), is_enabled: true },
  ]
}
