import { useId, useState, type FormEvent } from 'react'
import type { SignIn } from '../hooks/use-sign-in.ts'

/**
 * The browser is open: wait, copy the link, switch to pasting a code (OAuth), or cancel. A login
 * flow (the provider's own login page hands back an app password) has no code to paste.
 */
export function SignInProgress({ signIn }: { signIn: SignIn }) {
  const { state } = signIn
  const codeId = useId()
  const linkId = useId()
  const [code, setCode] = useState('')

  if (state.phase === 'starting') {
    return (
      <div className="sign-in" aria-busy="true">
        <p className="sign-in-status">
          <span className="spinner" aria-hidden="true" />
          Opening {state.provider.display_name} in your browser…
        </p>
        <div className="card-actions">
          <button type="button" className="button" onClick={signIn.cancel}>
            Cancel
          </button>
        </div>
      </div>
    )
  }
  if (state.phase === 'waiting') {
    const oauth = state.provider.auth === 'oauth-pkce'
    return (
      <div className="sign-in">
        <p className="sign-in-status" role="status">
          <span className="spinner" aria-hidden="true" />
          {oauth
            ? 'Waiting for you to choose “Allow” in your browser…'
            : `Waiting for you to log in to ${state.provider.display_name} in your browser…`}
        </p>
        <LinkField id={linkId} url={state.authorizeUrl} />
        <div className="card-actions">
          <button type="button" className="button" onClick={signIn.cancel}>
            Cancel sign-in
          </button>
          {oauth && state.provider.pastedCode !== false && (
            <button
              type="button"
              className="button button-link"
              onClick={() => signIn.connectWithCode(state.provider)}
            >
              Paste a code instead
            </button>
          )}
        </div>
      </div>
    )
  }
  if (state.phase !== 'code') return null

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (code.trim()) signIn.submitCode(code)
  }
  return (
    <form className="sign-in" onSubmit={submit}>
      <p className="sign-in-status" role="status">
        Choose “Allow” on the {state.provider.display_name} page in your browser; it then shows a
        code.
      </p>
      <LinkField id={linkId} url={state.authorizeUrl} />
      <label htmlFor={codeId} className="field-label">
        Code from {state.provider.display_name}
      </label>
      <div className="inline-field">
        <input
          id={codeId}
          className="input mono"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          disabled={state.submitting}
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={!code.trim() || state.submitting}
        >
          {state.submitting ? 'Checking…' : 'Connect'}
        </button>
        <button type="button" className="button" onClick={signIn.cancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** The sign-in link, selectable for copying (in case the browser did not open). */
function LinkField({ id, url }: { id: string; url: string }) {
  return (
    <div className="link-field">
      <label htmlFor={id} className="muted small">
        Browser didn’t open? Copy this link into it:
      </label>
      <input
        id={id}
        className="input mono small"
        readOnly
        value={url}
        onFocus={(e) => e.currentTarget.select()}
      />
    </div>
  )
}
