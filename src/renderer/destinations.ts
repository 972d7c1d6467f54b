import {
  LOCAL_DESTINATION_ID,
  type Connection,
  type ProviderView,
  type SettingsView,
} from './api-types.ts'

export interface Destination {
  id: string
  label: string
  /** A cloud account, or a folder on this computer (its icon). */
  kind: 'cloud' | 'folder'
}

/** Every place a backup goes, as the engine counts them: each connection, then the folder. */
export function listDestinations(
  connections: Connection[] | null,
  providers: ProviderView[] | null,
  settings: SettingsView | null,
): Destination[] {
  const list: Destination[] = (connections ?? []).map((c) => {
    const provider = providers?.find((p) => p.provider_id === c.provider)
    return {
      id: c.id,
      label: connectionLabel(c, provider),
      kind: provider?.auth === 'none' ? 'folder' : 'cloud',
    }
  })
  if (settings?.localDestination) {
    const folder = providers?.find((p) => p.available && p.auth === 'none')
    list.push({
      id: LOCAL_DESTINATION_ID,
      label: folder?.display_name ?? 'Local or NAS folder',
      kind: 'folder',
    })
  }
  return list
}

/** "Provider · account", with the provider named as the registry names it. */
export function connectionLabel(
  connection: Connection,
  provider: ProviderView | undefined,
): string {
  const name = provider?.display_name ?? connection.provider
  return connection.account.name ? `${name} · ${connection.account.name}` : name
}

/** A job's destination as text, even for a connection that has since gone. */
export function destinationLabel(id: string, destinations: Destination[]): string {
  const found = destinations.find((d) => d.id === id)
  if (found) return found.label
  return id === LOCAL_DESTINATION_ID ? 'Local or NAS folder' : 'Removed account'
}
