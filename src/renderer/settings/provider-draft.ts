import '../zod-config.ts'
import { ProviderOverrides } from '../../shared/provider-settings.ts'
import type { ProviderSettingsView } from '../api-types.ts'

/** A provider settings card's values, as typed (options as JSON text, scopes space-separated). */
export interface ProviderDraft {
  enabled: boolean
  clientId: string
  /** A new client secret; empty leaves the stored one as it is. Never filled from main. */
  clientSecret: string
  /** Remove the stored client secret on save. */
  removeSecret: boolean
  authorizationUrl: string
  authorizationUrlOptions: string
  tokenUrl: string
  scopes: string
  defaultTarget: string
}

export type ProviderDraftErrors = Partial<Record<keyof ProviderDraft, string>>

export function toProviderDraft(view: ProviderSettingsView): ProviderDraft {
  const { oauth } = view
  return {
    enabled: view.enabled,
    clientId: oauth?.clientId ?? '',
    clientSecret: '',
    removeSecret: false,
    authorizationUrl: oauth?.authorizationUrl ?? '',
    authorizationUrlOptions: oauth ? JSON.stringify(oauth.authorizationUrlOptions) : '{}',
    tokenUrl: oauth?.tokenUrl ?? '',
    scopes: oauth?.scopes.join(' ') ?? '',
    defaultTarget: view.defaultTarget,
  }
}

export interface CheckedDraft {
  /** Only what differs from the saved settings, as providers.configure takes it. */
  changes: ProviderOverrides
  /** A new secret, or "" to remove the stored one; undefined leaves it. */
  clientSecret: string | undefined
  errors: ProviderDraftErrors
}

const OPTIONS_HELP = 'must be a JSON object of strings, such as {"token_access_type":"offline"}'

/**
 * What saving the draft would change, checked by the same schemas main checks it with
 * (src/shared/provider-settings.ts), so the form never offers a save main would refuse.
 */
export function checkProviderDraft(view: ProviderSettingsView, draft: ProviderDraft): CheckedDraft {
  const changes: Record<string, unknown> = {}
  const errors: ProviderDraftErrors = {}
  if (draft.enabled !== view.enabled) changes.enabled = draft.enabled
  if (draft.defaultTarget !== view.defaultTarget) changes.defaultTarget = draft.defaultTarget
  const { oauth } = view
  if (oauth) {
    const clientId = draft.clientId.trim()
    if (clientId !== (oauth.clientId ?? '')) {
      if (clientId === '' && oauth.clientId !== null)
        errors.clientId = 'Enter a Client ID, or use “Reset to defaults” to go back to the default.'
      else changes.clientId = clientId
    }
    if (draft.authorizationUrl !== oauth.authorizationUrl)
      changes.authorizationUrl = draft.authorizationUrl
    if (draft.tokenUrl !== oauth.tokenUrl) changes.tokenUrl = draft.tokenUrl
    const scopes = draft.scopes.split(/\s+/).filter(Boolean)
    if (scopes.join(' ') !== oauth.scopes.join(' ')) changes.scopes = scopes
    const options = parseJson(draft.authorizationUrlOptions)
    if (options === undefined) errors.authorizationUrlOptions = sentence(OPTIONS_HELP)
    else if (!sameOptions(options, oauth.authorizationUrlOptions))
      changes.authorizationUrlOptions = options
  }
  const parsed = ProviderOverrides.safeParse(changes)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof ProviderDraft
      errors[field] ??= sentence(field === 'authorizationUrlOptions' ? OPTIONS_HELP : issue.message)
    }
  }
  const clientSecret = draft.removeSecret ? '' : draft.clientSecret || undefined
  return { changes: parsed.success ? parsed.data : {}, clientSecret, errors }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim() === '' ? '{}' : text)
  } catch {
    return undefined
  }
}

function sameOptions(value: unknown, saved: Record<string, string>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const entries = Object.entries(value)
  return entries.length === Object.keys(saved).length && entries.every(([k, v]) => saved[k] === v)
}

/** "must be …" as a sentence under a field: "Must be …." */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return /[.!?]$/.test(text) ? text : `${text}.`
}
