import type { ProviderView } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import { DROPBOX_APP_CONSOLE_URL, DROPBOX_SETUP_URL } from '../docs-links.ts'
import type { SignIn } from '../hooks/use-sign-in.ts'
import { useOpenExternal } from '../hooks/use-open-external.ts'
import { ProviderGlyph } from './ProviderGlyph.tsx'
import { SignInProgress } from './SignInProgress.tsx'

/** Adding a Dropbox account: Connect, or how to enable Dropbox when no app key is set. */
export function DropboxCard({
  provider,
  signIn,
  hasAccount,
}: {
  provider: ProviderView
  signIn: SignIn
  hasAccount: boolean
}) {
  const openExternal = useOpenExternal()
  const { state } = signIn
  const mine = state.phase !== 'idle' && state.target === null
  return (
    <article className="card provider" aria-labelledby="provider-dropbox">
      <ProviderGlyph provider="dropbox" />
      <div className="provider-main">
        <h3 id="provider-dropbox">{provider.display_name}</h3>
        {provider.is_enabled ? (
          <>
            <p className="muted">
              {hasAccount
                ? 'Add another Dropbox account; every backup goes to each account.'
                : 'Sign in once in your browser; backups go to an app folder in your Dropbox.'}
            </p>
            {!mine ? (
              <div className="card-actions">
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => signIn.connect()}
                  disabled={state.phase !== 'idle'}
                >
                  Connect Dropbox
                </button>
                <button
                  type="button"
                  className="button button-link"
                  onClick={() => signIn.connectWithCode()}
                  disabled={state.phase !== 'idle'}
                >
                  Sign in with a code instead
                </button>
              </div>
            ) : (
              <SignInProgress signIn={signIn} />
            )}
            {signIn.error && signIn.errorTarget === null && <ErrorNote error={signIn.error} />}
          </>
        ) : (
          <div className="setup-hint">
            <p>
              <Icon name="key" size={16} /> Dropbox needs an app key of your own first. Set the{' '}
              <code>DROPBOX_APP_KEY</code> environment variable (or <code>dropboxAppKey</code> in
              the settings file) to your Dropbox app key, then restart the app.
            </p>
            <div className="card-actions">
              <button
                type="button"
                className="button"
                onClick={() => openExternal(DROPBOX_SETUP_URL)}
              >
                How to set up a Dropbox app
                <Icon name="external" size={14} />
              </button>
              <button
                type="button"
                className="button button-link"
                onClick={() => openExternal(DROPBOX_APP_CONSOLE_URL)}
              >
                Open the Dropbox App Console
                <Icon name="external" size={14} />
              </button>
            </div>
          </div>
        )}
      </div>
    </article>
  )
}
