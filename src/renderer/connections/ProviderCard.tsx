import { useId, useState } from 'react'
import type { FieldValues, ProviderView } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import type { SignIn } from '../hooks/use-sign-in.ts'
import { ConnectFieldsForm } from './ConnectFieldsForm.tsx'
import { useFieldConnect } from './use-field-connect.ts'
import { ProviderGlyph } from './ProviderGlyph.tsx'
import { SignInProgress } from './SignInProgress.tsx'

/**
 * Adding an account at an enabled provider, drawn from how it connects: a sign-in in the browser
 * (OAuth), a login flow after its server's address, or a form (address, user, password or keys).
 */
export function ProviderCard(props: {
  provider: ProviderView
  signIn: SignIn
  hasAccount: boolean
}) {
  const { provider, signIn } = props
  const headingId = useId()
  const name = provider.display_name
  const { state } = signIn
  const mine =
    state.phase !== 'idle' &&
    state.target === null &&
    state.provider.provider_id === provider.provider_id
  const hasFields = provider.connectFields.length > 0
  // The form is unmounted while a login flow runs; what was typed (a server address, never a
  // secret) comes back with it, so a cancelled or refused login is corrected, not retyped.
  const [typed, setTyped] = useState<FieldValues>()

  const body = () => {
    if (mine) return <SignInProgress signIn={signIn} />
    const idle = state.phase === 'idle'
    const connectButton = (
      <button
        type="button"
        className="button button-primary"
        onClick={() => signIn.connect(provider)}
        disabled={!idle}
      >
        Connect {name}
      </button>
    )
    if (provider.auth === 'oauth-pkce' && provider.pastedCode === false)
      return <div className="card-actions">{connectButton}</div>
    if (provider.auth === 'oauth-pkce')
      return (
        <div className="card-actions">
          {connectButton}
          <button
            type="button"
            className="button button-link"
            onClick={() => signIn.connectWithCode(provider)}
            disabled={!idle}
          >
            Sign in with a code instead
          </button>
        </div>
      )
    if (provider.auth === 'login-flow' && !hasFields)
      return <div className="card-actions">{connectButton}</div>
    if (provider.auth === 'login-flow')
      return (
        <ConnectFieldsForm
          provider={provider}
          submitLabel={`Connect ${name}`}
          initial={typed}
          testable={false}
          onEdit={() => signIn.dismissError(provider.provider_id)}
          busy={state.phase !== 'idle'}
          onSubmit={async (values) => {
            setTyped(values)
            signIn.connect(provider, null, values)
            return true
          }}
        />
      )
    return <FieldsConnect provider={provider} />
  }

  return (
    <article className="card provider" aria-labelledby={headingId}>
      <ProviderGlyph auth={provider.auth} />
      <div className="provider-main">
        <h3 id={headingId}>{name}</h3>
        <p className="muted">{describe(provider, props.hasAccount)}</p>
        {body()}
        {signIn.error && signIn.errorTarget === provider.provider_id && (
          <ErrorNote error={signIn.error} />
        )}
      </div>
    </article>
  )
}

/** A password or access-keys provider: the fields, "Test connection", and Connect. */
export function FieldsConnect({
  provider,
  initial,
  target,
}: {
  provider: ProviderView
  initial?: FieldValues
  target?: string
}) {
  const { connect, error, clearError } = useFieldConnect(provider, target)
  return (
    <>
      <ConnectFieldsForm
        provider={provider}
        initial={initial}
        submitLabel={target ? 'Reconnect' : `Connect ${provider.display_name}`}
        testable
        onSubmit={connect}
        onEdit={clearError}
      />
      {error && <ErrorNote error={error} />}
    </>
  )
}

function describe(provider: ProviderView, hasAccount: boolean): string {
  const name = provider.display_name
  if (hasAccount) return `Add another ${name} account; every backup goes to each account.`
  switch (provider.auth) {
    case 'oauth-pkce':
      return `Sign in once in your browser; backups go to your ${name}.`
    case 'login-flow':
      return `Log in once in your browser; the app gets a password of its own, never yours.`
    case 'access-keys':
      return 'Enter the bucket and an access key; the secret key is kept in your keychain.'
    default:
      return 'Enter the server and your sign-in; the password is kept in your keychain.'
  }
}
