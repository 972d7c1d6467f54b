import { useState } from 'react'
import { connectionProblem } from '../../shared/connection-status.ts'
import type { Connection, FieldValues, ProviderView } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import type { SignIn } from '../hooks/use-sign-in.ts'
import { SignInProgress } from './SignInProgress.tsx'
import { FieldsConnect } from './ProviderCard.tsx'
import { ProviderGlyph } from './ProviderGlyph.tsx'
import { SpaceMeter } from './SpaceMeter.tsx'

export interface AccountCardProps {
  connection: Connection
  /** Its provider as the registry describes it (undefined only while providers load). */
  provider: ProviderView | undefined
  paused: boolean
  signIn: SignIn
  onTogglePause: () => void
  onDisconnect: () => void
}

export function AccountCard(props: AccountCardProps) {
  const { connection, provider, paused, signIn } = props
  const { account, space } = connection
  const providerName = provider?.display_name ?? connection.provider
  const needsReauth = connection.status !== 'connected'
  const missingPermission = connection.status === 'missing_permission'
  const reconnecting = signIn.state.phase !== 'idle' && signIn.state.target === connection.id
  // Password and keys providers reconnect through their form, filled with what is not secret.
  const [showForm, setShowForm] = useState(false)
  // A reconnect that worked closes its form: a later refusal starts again from "Reconnect".
  if (showForm && !needsReauth) setShowForm(false)
  const byForm = provider?.auth === 'password' || provider?.auth === 'access-keys'
  const reconnect = () => {
    if (!provider) return
    if (byForm) return setShowForm(true)
    const fields = known(connection, provider)
    signIn.connect(provider, connection.id, Object.keys(fields).length > 0 ? fields : undefined)
  }
  return (
    <article className="card account" aria-label={`${providerName} account ${account.name}`}>
      <ProviderGlyph auth={provider?.auth ?? 'oauth-pkce'} />
      <div className="account-main">
        <div className="account-head">
          <h3 className="account-name">{account.name || `${providerName} account`}</h3>
          {needsReauth ? (
            <span className="pill pill-warning">
              <Icon name="alert" size={14} />
              {missingPermission ? 'Permission missing' : 'Sign-in expired'}
            </span>
          ) : paused ? (
            <span className="pill pill-paused">
              <Icon name="pause" size={14} />
              Paused
            </span>
          ) : (
            <span className="pill pill-ok">
              <Icon name="check" size={14} />
              Connected
            </span>
          )}
        </div>
        {/* Which service this account is at: two accounts may share a name and an address. */}
        <p className="account-email">
          {providerName}
          {account.email && ` · ${account.email}`}
        </p>
        {missingPermission && (
          <p className="account-problem" role="note">
            {connectionProblem(connection.status)}
          </p>
        )}
        {space ? (
          <SpaceMeter used={space.used} allocated={space.allocated} />
        ) : (
          <p className="muted small">Space use not known yet</p>
        )}
        {reconnecting && <SignInProgress signIn={signIn} />}
        {needsReauth && showForm && provider && (
          <FieldsConnect
            provider={provider}
            initial={known(connection, provider)}
            target={connection.id}
          />
        )}
        {signIn.error && signIn.errorTarget === connection.id && <ErrorNote error={signIn.error} />}
        <div className="card-actions">
          {needsReauth && !reconnecting && !showForm && (
            <button
              type="button"
              className="button button-primary"
              onClick={reconnect}
              disabled={signIn.state.phase !== 'idle'}
              aria-label={`Reconnect ${account.name}`}
            >
              Reconnect
            </button>
          )}
          <button
            type="button"
            className="button"
            onClick={props.onTogglePause}
            aria-label={`${paused ? 'Resume' : 'Pause'} uploads to ${account.name}`}
          >
            <Icon name={paused ? 'play' : 'pause'} size={16} />
            {paused ? 'Resume uploads' : 'Pause uploads'}
          </button>
          <button
            type="button"
            className="button button-quiet-danger"
            onClick={props.onDisconnect}
            aria-label={`Disconnect ${account.name}…`}
          >
            Disconnect…
          </button>
        </div>
      </div>
    </article>
  )
}

/** The connection's settings that its connect form asks for again (server, user; no secret). */
function known(connection: Connection, provider: ProviderView): FieldValues {
  const asked = provider.connectFields.filter((f) => f.kind !== 'secret').map((f) => f.name)
  return Object.fromEntries(
    Object.entries(connection.config).filter(([name]) => asked.includes(name)),
  )
}
