import { useId, useState, type FormEvent } from 'react'
import type { SignIn } from '../hooks/use-sign-in.ts'

/** The browser is open: wait, copy the link, switch to pasting a code, or cancel. */
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
          Opening Dropbox in your browser…
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
    return (
      <div className="sign-in">
        <p className="sign-in-status" role="status">
          <span className="spinner" aria-hidden="true" />
          Waiting for you to choose “Allow” in your browser…
        </p>
        <LinkField id={linkId} url={state.authorizeUrl} />
        <div className="card-actions">
          <button type="button" className="button" onClick={signIn.cancel}>
            Cancel sign-in
          </button>
          <button
            type="button"
            className="button button-link"
            onClick={() => signIn.connectWithCode()}
          >
            Paste a code instead
          </button>
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
        Choose “Allow” on the Dropbox page in your browser; Dropbox then shows a code.
      </p>
      <LinkField id={linkId} url={state.authorizeUrl} />
      <label htmlFor={codeId} className="field-label">
        Code from Dropbox
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
