import { useState } from 'react'
import type { Connection, ErrorInfo, ProviderView, SettingsView, StatusView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ConfirmDialog } from '../components/ConfirmDialog.tsx'
import { ErrorNote } from '../components/ErrorNote.tsx'
import type { SignIn } from '../hooks/use-sign-in.ts'
import { useToast } from '../toast-context.ts'
import { AccountCard } from './AccountCard.tsx'
import { LocalFolderCard } from './LocalFolderCard.tsx'
import { NotSetUpList } from './NotSetUpList.tsx'
import { ProviderCard } from './ProviderCard.tsx'

export interface ConnectionsViewProps {
  connections: Connection[] | null
  providers: ProviderView[] | null
  settings: SettingsView | null
  status: StatusView | null
  signIn: SignIn
  loadError: ErrorInfo | null
  /** Settings › Storage providers, where a provider that is not set up yet is set up. */
  onOpenProviderSettings: () => void
}

export function ConnectionsView(props: ConnectionsViewProps) {
  const { connections, providers, settings, status, signIn, loadError } = props
  const providerOf = (connection: Connection) =>
    providers?.find((p) => p.provider_id === connection.provider)
  const nameOf = (connection: Connection) =>
    providerOf(connection)?.display_name ?? connection.provider
  const api = useCompanion()
  const toast = useToast()
  const [confirming, setConfirming] = useState<Connection | null>(null)
  const [disconnecting, setDisconnecting] = useState(false)
  const [disconnectError, setDisconnectError] = useState<ErrorInfo | null>(null)

  const togglePause = async (connection: Connection, paused: boolean) => {
    const scope = { connectionId: connection.id }
    const result = await (paused ? api['uploads.resume'](scope) : api['uploads.pause'](scope))
    if (!result.ok)
      toast({ kind: 'error', title: 'Could not change uploads', message: result.error.message })
  }

  const disconnect = async () => {
    if (!confirming) return
    setDisconnecting(true)
    setDisconnectError(null)
    const result = await api['connections.disconnect']({ id: confirming.id })
    setDisconnecting(false)
    if (!result.ok) return setDisconnectError(result.error)
    const { warning } = result.value
    // Removed here, but still valid at the provider: an error toast stays until it has been read.
    if (warning)
      toast({
        kind: 'error',
        title: `Disconnected ${confirming.account.name} here; ${nameOf(confirming)} could not be reached`,
        message: warning.message,
      })
    else toast({ kind: 'success', title: `Disconnected ${confirming.account.name}` })
    setConfirming(null)
  }

  // A provider with nothing to prove is the local or NAS folder: it is set up with a folder.
  const folder = providers?.find((p) => p.available && p.auth === 'none')
  const connectable = (providers ?? []).filter(
    (p) => p.available && p.is_enabled && p.auth !== 'none',
  )
  const notSetUp = (providers ?? []).filter((p) => p.available && !p.is_enabled)
  const accounts = connections ?? []

  return (
    <div className="view">
      <div className="view-head">
        <h1>Connections</h1>
        <p className="muted">Where your backups go. Every backup is copied to each of these.</p>
      </div>
      {loadError && <ErrorNote error={loadError} />}

      {accounts.length > 0 && (
        <section aria-labelledby="accounts-heading" className="stack">
          <h2 id="accounts-heading" className="section-title">
            Your accounts
          </h2>
          {accounts.map((connection) => {
            const paused = status?.paused.includes(connection.id) ?? false
            return (
              <AccountCard
                key={connection.id}
                connection={connection}
                provider={providerOf(connection)}
                paused={paused}
                signIn={signIn}
                onTogglePause={() => void togglePause(connection, paused)}
                onDisconnect={() => {
                  setDisconnectError(null)
                  setConfirming(connection)
                }}
              />
            )
          })}
        </section>
      )}

      <section aria-labelledby="add-heading" className="stack">
        <h2 id="add-heading" className="section-title">
          {accounts.length > 0 ? 'More places for backups' : 'Choose where backups go'}
        </h2>
        {providers === null && <div className="card skeleton" aria-hidden="true" />}
        {connectable.map((provider) => (
          <ProviderCard
            key={provider.provider_id}
            provider={provider}
            signIn={signIn}
            hasAccount={accounts.some((c) => c.provider === provider.provider_id)}
          />
        ))}
        {folder?.is_enabled && settings && (
          <LocalFolderCard
            folder={settings.localDestination}
            name={folder.display_name}
            alone={accounts.length === 0}
          />
        )}
        {notSetUp.length > 0 && (
          <NotSetUpList providers={notSetUp} onOpenSettings={props.onOpenProviderSettings} />
        )}
      </section>

      {confirming && (
        <ConfirmDialog
          title={`Disconnect ${confirming.account.name}?`}
          confirmLabel="Disconnect"
          danger
          busy={disconnecting}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void disconnect()}
        >
          <p>
            New backups will no longer go to the {nameOf(confirming)} account{' '}
            {confirming.account.email || confirming.account.name}, and this computer forgets its
            sign-in. Backups already there stay there.
          </p>
          {disconnectError && <ErrorNote error={disconnectError} />}
        </ConfirmDialog>
      )}
    </div>
  )
}
