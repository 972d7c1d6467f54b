import { LOCAL_DESTINATION_ID, type Connection, type SettingsView } from './api-types.ts'

export interface Destination {
  id: string
  label: string
  kind: 'dropbox' | 'local'
}

/** Every place a backup goes, as the engine counts them: each connection, then the folder. */
export function listDestinations(
  connections: Connection[] | null,
  settings: SettingsView | null,
): Destination[] {
  const list: Destination[] = (connections ?? []).map((c) => ({
    id: c.id,
    label: connectionLabel(c),
    kind: c.provider === 'local' ? 'local' : 'dropbox',
  }))
  if (settings?.localDestination) {
    list.push({ id: LOCAL_DESTINATION_ID, label: 'Local or NAS folder', kind: 'local' })
  }
  return list
}

export function connectionLabel(connection: Connection): string {
  const provider = connection.provider === 'dropbox' ? 'Dropbox' : 'Folder'
  return connection.account.name ? `${provider} · ${connection.account.name}` : provider
}

/** A job's destination as text, even for a connection that has since gone. */
export function destinationLabel(id: string, destinations: Destination[]): string {
  const found = destinations.find((d) => d.id === id)
  if (found) return found.label
  return id === LOCAL_DESTINATION_ID ? 'Local or NAS folder' : 'Removed account'
}
