import { connectionProblem } from '../../shared/connection-status.ts'
import type { Connection } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import type { SignIn } from '../hooks/use-sign-in.ts'
import { SignInProgress } from './SignInProgress.tsx'
import { ProviderGlyph } from './ProviderGlyph.tsx'
import { SpaceMeter } from './SpaceMeter.tsx'

export interface AccountCardProps {
  connection: Connection
  paused: boolean
  signIn: SignIn
  onTogglePause: () => void
  onDisconnect: () => void
}

export function AccountCard(props: AccountCardProps) {
  const { connection, paused, signIn } = props
  const { account, space } = connection
  const needsReauth = connection.status !== 'connected'
  const missingPermission = connection.status === 'missing_permission'
  const reconnecting = signIn.state.phase !== 'idle' && signIn.state.target === connection.id
  return (
    <article className="card account" aria-label={`Dropbox account ${account.name}`}>
      <ProviderGlyph provider={connection.provider} />
      <div className="account-main">
        <div className="account-head">
          <h3 className="account-name">{account.name || 'Dropbox account'}</h3>
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
        <p className="account-email">{account.email}</p>
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
        {signIn.error && signIn.errorTarget === connection.id && <ErrorNote error={signIn.error} />}
        <div className="card-actions">
          {needsReauth && !reconnecting && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => signIn.connect(connection.id)}
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
