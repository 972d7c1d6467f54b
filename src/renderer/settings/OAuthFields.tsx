import type { ProviderSettingsView } from '../api-types.ts'
import { describedBy } from './field-ids.ts'
import { PrefRow } from './PrefRow.tsx'
import type { ProviderDraft, ProviderDraftErrors } from './provider-draft.ts'
import { RedirectUris } from './RedirectUris.tsx'

type OAuthView = NonNullable<ProviderSettingsView['oauth']>

export interface OAuthFieldsProps {
  oauth: OAuthView
  draft: ProviderDraft
  errors: ProviderDraftErrors
  id: (name: string) => string
  edit: <K extends keyof ProviderDraft>(key: K, value: ProviderDraft[K]) => void
}

const CLIENT_ID_SOURCE: Record<OAuthView['clientIdSource'], string> = {
  settings: 'Set here.',
  environment:
    'From an environment variable, which wins over this setting: unset it to change it here.',
  'built-in': 'Built into this release; a value saved here overrides it.',
  none: 'Not set: register an app with the provider and enter its client id.',
}

/** Kasm's OAuth fields: the app registered with the provider, and where its pages are. */
export function OAuthFields({ oauth, draft, errors, id, edit }: OAuthFieldsProps) {
  const text = (
    field: 'clientId' | 'authorizationUrl' | 'tokenUrl' | 'scopes',
    label: string,
    hint: string,
    readOnly = false,
  ) => (
    <PrefRow
      label={<label htmlFor={id(field)}>{label}</label>}
      hint={hint}
      hintId={id(`${field}-hint`)}
      error={errors[field]}
      errorId={id(`${field}-error`)}
    >
      <input
        id={id(field)}
        className="input mono"
        value={draft[field]}
        readOnly={readOnly}
        onChange={(e) => edit(field, e.target.value)}
        aria-invalid={Boolean(errors[field])}
        aria-describedby={describedBy(id, field, errors)}
        spellCheck={false}
        autoComplete="off"
      />
    </PrefRow>
  )
  return (
    <>
      {text(
        'clientId',
        'Client ID',
        CLIENT_ID_SOURCE[oauth.clientIdSource],
        // The environment wins over the settings, so a value typed here would do nothing.
        oauth.clientIdSource === 'environment',
      )}
      {oauth.usesClientSecret && (
        <PrefRow
          label={<label htmlFor={id('clientSecret')}>Client Secret</label>}
          hint={
            oauth.clientSecretSet
              ? 'Set, and kept in your keychain. Type a new one to replace it.'
              : 'Not set. It is kept in your keychain, never shown again.'
          }
          hintId={id('clientSecret-hint')}
        >
          <div className="inline-field">
            <input
              id={id('clientSecret')}
              className="input mono"
              type="password"
              value={draft.clientSecret}
              placeholder={oauth.clientSecretSet && !draft.removeSecret ? 'set' : ''}
              onChange={(e) => {
                edit('clientSecret', e.target.value)
                edit('removeSecret', false)
              }}
              aria-describedby={id('clientSecret-hint')}
              autoComplete="new-password"
            />
            {oauth.clientSecretSet && (
              <button
                type="button"
                className="button button-link"
                disabled={draft.removeSecret}
                onClick={() => {
                  edit('clientSecret', '')
                  edit('removeSecret', true)
                }}
              >
                {draft.removeSecret ? 'Removed on save' : 'Remove'}
              </button>
            )}
          </div>
        </PrefRow>
      )}
      {text(
        'authorizationUrl',
        'Authorization URL',
        'The provider’s sign-in page: https, or http on 127.0.0.1 for a test server.',
      )}
      <PrefRow
        label={<label htmlFor={id('authorizationUrlOptions')}>Authorization URL Options</label>}
        hint="Extra query parameters for the sign-in page, as a JSON object of strings."
        hintId={id('authorizationUrlOptions-hint')}
        error={errors.authorizationUrlOptions}
        errorId={id('authorizationUrlOptions-error')}
      >
        <textarea
          id={id('authorizationUrlOptions')}
          className="input mono textarea"
          rows={2}
          value={draft.authorizationUrlOptions}
          onChange={(e) => edit('authorizationUrlOptions', e.target.value)}
          aria-invalid={Boolean(errors.authorizationUrlOptions)}
          aria-describedby={describedBy(id, 'authorizationUrlOptions', errors)}
          spellCheck={false}
        />
      </PrefRow>
      {text('tokenUrl', 'Token URL', 'Where sign-in codes are exchanged for tokens.')}
      <PrefRow
        label={<span id={id('redirect-label')}>Redirect URIs</span>}
        hint="Register each of these with the provider, exactly as shown."
        hintId={id('redirect-hint')}
      >
        <RedirectUris uris={oauth.redirectUris} labelledBy={id('redirect-label')} />
      </PrefRow>
      {text('scopes', 'Scopes', 'The permissions asked for, separated by spaces.')}
    </>
  )
}
