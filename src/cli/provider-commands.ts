import { AppError, isAppError } from '../shared/app-error.ts'
import type { ProviderSettingsView } from '../shared/provider-settings.ts'
import type { Engine } from '../main/engine.ts'
import { printJson } from './output.ts'
import {
  badFlag,
  CONFIGURE_FLAGS,
  OAUTH_FLAGS,
  parseConfigureFlags,
  type ConfigureFlags,
} from './provider-flags.ts'
import { stdinLines } from './stdin-lines.ts'

const USAGE = {
  list: 'providers [--json]',
  show: 'providers show <id> [--json]',
  configure:
    'providers configure <id> [--client-id ID] [--client-secret-stdin] [--authorization-url URL] ' +
    '[--authorization-url-options JSON] [--token-url URL] [--scopes "a b"] [--default-target PATH] ' +
    '[--enabled true|false] [--reset] [--json]',
} as const

/** `providers`, `providers show <id>` and `providers configure <id> …`. */
export async function providersCommand(
  engine: Engine,
  args: string[],
  values: Record<string, unknown>,
): Promise<void> {
  const [sub, id, ...extra] = args
  const json = values.json === true
  if (sub === undefined) {
    onlyFlags(values, [], 'list')
    return listProviders(engine, json)
  }
  if (sub !== 'show' && sub !== 'configure')
    throw new AppError('usage', `Unknown providers command "${sub}"; use show or configure.`)
  if (id === undefined || extra.length > 0)
    throw new AppError('usage', `Usage: fermentrack-backup ${USAGE[sub]}.`)
  if (sub === 'show') {
    onlyFlags(values, [], 'show')
    return printView(await viewOf(engine, id), json)
  }
  onlyFlags(values, Object.keys(CONFIGURE_FLAGS), 'configure')
  return configureProvider(engine, id, parseConfigureFlags(values), json)
}

async function listProviders(engine: Engine, json: boolean): Promise<void> {
  const providers = await engine.providers.list()
  if (json) return printJson(providers)
  for (const p of providers) {
    const state = p.is_enabled ? 'enabled' : `not enabled: ${p.reason}`
    process.stdout.write(`${p.provider_id.padEnd(12)} ${p.display_name}: ${state}\n`)
  }
}

/**
 * Checks that the flags fit this provider and reads the secret, all before the one call that
 * saves: a refusal at any step leaves settings.json and the secret store as they were.
 */
async function configureProvider(
  engine: Engine,
  id: string,
  flags: ConfigureFlags,
  json: boolean,
): Promise<void> {
  const view = await viewOf(engine, id)
  if (!view.available)
    throw new AppError('usage', `${view.display_name} is coming soon and cannot be configured yet.`)
  if (flags.given.length === 0)
    throw new AppError('usage', `Nothing to change. Usage: fermentrack-backup ${USAGE.configure}.`)
  const notOAuth = view.oauth ? [] : flags.given.filter((flag) => OAUTH_FLAGS.includes(flag))
  if (notOAuth.length > 0)
    throw badFlag(
      notOAuth[0]!,
      `does not apply to ${view.display_name}, which does not sign in with OAuth (only --enabled and --default-target do)`,
    )
  if (flags.secretFromStdin && !view.oauth?.usesClientSecret)
    throw badFlag(
      'client-secret-stdin',
      `does not apply to ${view.display_name}: its desktop sign-in (PKCE) uses no client secret`,
    )
  const clientSecret = flags.secretFromStdin ? await readSecret() : undefined
  const saved = await engine.providers
    .configure({
      provider: view.provider_id,
      changes: flags.changes,
      clientSecret,
      reset: flags.reset,
    })
    .catch((error: unknown) => {
      // configure checks everything again; what it refuses is still bad input (exit 2).
      throw isAppError(error, 'invalid_setting')
        ? AppError.fromPayload({ code: 'usage', message: error.message })
        : error
    })
  if (!json) process.stdout.write(`Saved the settings of ${saved.display_name}.\n`)
  printView(saved, json)
}

/** An id that is no provider is a usage error (exit 2), like any other mistyped argument. */
async function viewOf(engine: Engine, id: string): Promise<ProviderSettingsView> {
  return engine.providers.view(id).catch((error: unknown) => {
    throw isAppError(error, 'unknown_provider')
      ? new AppError(
          'usage',
          `There is no provider "${id}"; \`fermentrack-backup providers\` lists them.`,
        )
      : error
  })
}

async function readSecret(): Promise<string> {
  const stdin = stdinLines()
  const line = await stdin.next().finally(stdin.close)
  if (!line?.trim()) throw badFlag('client-secret-stdin', 'was given but stdin was empty')
  return line.trim()
}

/** Flags of other commands are refused rather than ignored: a typo must not pass for a change. */
function onlyFlags(values: Record<string, unknown>, allowed: string[], sub: keyof typeof USAGE) {
  const stray = Object.keys(values).find(
    (key) => key !== 'json' && !allowed.includes(key) && values[key] !== undefined,
  )
  if (stray)
    throw new AppError(
      'usage',
      `--${stray} is not an option here. Usage: fermentrack-backup ${USAGE[sub]}.`,
    )
}

/** The settings as `providers show --json` prints them: the secret only as whether one is set. */
export function providerSettingsJson(view: ProviderSettingsView) {
  const { oauth } = view
  return {
    provider_id: view.provider_id,
    display_name: view.display_name,
    auth: view.auth,
    is_enabled: view.is_enabled,
    reason: view.reason,
    available: view.available,
    enabled: view.enabled,
    oauth: oauth && {
      client_id: oauth.clientId,
      client_id_source: oauth.clientIdSource,
      client_secret_set: oauth.clientSecretSet,
      uses_client_secret: oauth.usesClientSecret,
      authorization_url: oauth.authorizationUrl,
      authorization_url_options: oauth.authorizationUrlOptions,
      token_url: oauth.tokenUrl,
      redirect_uris: oauth.redirectUris,
      scopes: oauth.scopes,
    },
    default_target: view.defaultTarget,
    docs_url: view.docsUrl,
  }
}

const SOURCES = {
  settings: 'from the settings',
  environment: 'from the environment',
  'built-in': 'built into this release',
  none: '',
} as const

function printView(view: ProviderSettingsView, json: boolean): void {
  if (json) return printJson(providerSettingsJson(view))
  const rows: Array<[string, string]> = [
    ['Enabled', view.enabled ? 'yes' : 'no'],
    ['Status', view.is_enabled ? 'ready to connect' : (view.reason ?? 'not enabled')],
  ]
  const { oauth } = view
  if (oauth) {
    rows.push(
      [
        'Client ID',
        oauth.clientId ? `${oauth.clientId} (${SOURCES[oauth.clientIdSource]})` : 'not set',
      ],
      [
        'Client secret',
        oauth.usesClientSecret ? (oauth.clientSecretSet ? 'set' : 'not set') : 'not used',
      ],
      ['Authorization URL', oauth.authorizationUrl],
      ['Authorization URL options', JSON.stringify(oauth.authorizationUrlOptions)],
      ['Token URL', oauth.tokenUrl],
      ['Redirect URIs', oauth.redirectUris.join('\n')],
      ['Scopes', oauth.scopes.join(' ')],
    )
  }
  rows.push(['Default target', view.defaultTarget], ['Setup', view.docsUrl])
  const width = Math.max(...rows.map(([label]) => label.length)) + 2
  process.stdout.write(`${view.display_name} (${view.provider_id})\n`)
  for (const [label, value] of rows) {
    const [first, ...more] = value.split('\n')
    process.stdout.write(`  ${`${label}:`.padEnd(width)}${first}\n`)
    for (const line of more) process.stdout.write(`  ${''.padEnd(width)}${line}\n`)
  }
}
