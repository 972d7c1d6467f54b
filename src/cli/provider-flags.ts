import type { z } from 'zod'
import { AppError } from '../shared/app-error.ts'
import { ProviderOverrides } from '../shared/provider-settings.ts'

/** The flags of `providers configure`, as parseArgs options. */
export const CONFIGURE_FLAGS = {
  'client-id': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  'authorization-url': { type: 'string' },
  'authorization-url-options': { type: 'string' },
  'token-url': { type: 'string' },
  scopes: { type: 'string' },
  'default-target': { type: 'string' },
  enabled: { type: 'string' },
  reset: { type: 'boolean' },
} as const

export type ConfigureFlag = keyof typeof CONFIGURE_FLAGS

/** The flags that only OAuth providers take (Kasm's OAuth fields). */
export const OAUTH_FLAGS: readonly ConfigureFlag[] = [
  'client-id',
  'client-secret-stdin',
  'authorization-url',
  'authorization-url-options',
  'token-url',
  'scopes',
]

const OPTIONS_EXAMPLE = `'{"token_access_type":"offline"}'`
const URL_RULE = 'must be an https URL (plain http only to 127.0.0.1 or localhost)'

interface SettingFlag {
  flag: ConfigureFlag
  key: keyof ProviderOverrides
  /** The text as typed into the value the setting holds; throws a usage error naming the flag. */
  read: (text: string) => unknown
  /** What a valid value looks like, for the one-line refusal. */
  rule: string
}

const SETTING_FLAGS: readonly SettingFlag[] = [
  {
    flag: 'client-id',
    key: 'clientId',
    read: (text) => text.trim(),
    rule: "must be the app key (client id) from the provider's developer console, 1 to 500 characters",
  },
  { flag: 'authorization-url', key: 'authorizationUrl', read: (t) => t, rule: URL_RULE },
  {
    flag: 'authorization-url-options',
    key: 'authorizationUrlOptions',
    read: readOptions,
    rule: `must be a JSON object of strings such as ${OPTIONS_EXAMPLE}, names up to 100 and values up to 500 characters`,
  },
  { flag: 'token-url', key: 'tokenUrl', read: (t) => t, rule: URL_RULE },
  {
    flag: 'scopes',
    key: 'scopes',
    read: readScopes,
    rule: 'must be up to 50 scopes separated by spaces, such as "files.content.write account_info.read"',
  },
  {
    flag: 'default-target',
    key: 'defaultTarget',
    read: (t) => t,
    rule: 'must be an absolute remote folder such as "/Fermentrack Backups" (no trailing "/")',
  },
  { flag: 'enabled', key: 'enabled', read: readEnabled, rule: 'must be true or false' },
]

/** A refusal of one flag: exit 2, one line with the flag and the fix, nothing saved. */
export function badFlag(flag: string, problem: string): AppError {
  return new AppError('usage', `--${flag} ${problem}; nothing was changed.`)
}

export interface ConfigureFlags {
  changes: ProviderOverrides
  /** --client-secret-stdin: the secret is read from stdin, never from argv. */
  secretFromStdin: boolean
  reset: boolean
  /** The flags given, in the order of CONFIGURE_FLAGS. */
  given: ConfigureFlag[]
}

/** Every `providers configure` flag parsed and checked, before anything is read or saved. */
export function parseConfigureFlags(values: Record<string, unknown>): ConfigureFlags {
  const changes: Record<string, unknown> = {}
  for (const { flag, key, read, rule } of SETTING_FLAGS) {
    const text = values[flag]
    if (typeof text !== 'string') continue
    const parsed = (ProviderOverrides.shape[key] as z.ZodType).safeParse(read(text))
    if (!parsed.success) throw badFlag(flag, rule)
    changes[key] = parsed.data
  }
  return {
    changes: changes as ProviderOverrides,
    secretFromStdin: values['client-secret-stdin'] === true,
    reset: values.reset === true,
    given: (Object.keys(CONFIGURE_FLAGS) as ConfigureFlag[]).filter(
      (flag) => values[flag] !== undefined && values[flag] !== false,
    ),
  }
}

function readEnabled(text: string): boolean {
  if (text === 'true') return true
  if (text === 'false') return false
  throw badFlag('enabled', `must be true or false, not "${text.slice(0, 40)}"`)
}

/** Space-separated, as OAuth's own `scope` parameter is; an empty list is refused as a slip. */
function readScopes(text: string): string[] {
  const scopes = text.split(/\s+/).filter(Boolean)
  if (scopes.length === 0)
    throw badFlag('scopes', 'needs at least one scope; --reset restores the defaults')
  return scopes
}

/** Kasm's "Authorization URL Options": a JSON object whose values are strings. */
function readOptions(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badFlag(
      'authorization-url-options',
      `is not valid JSON; give an object such as ${OPTIONS_EXAMPLE}`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badFlag(
      'authorization-url-options',
      `must be a JSON object such as ${OPTIONS_EXAMPLE}, not ${kindOf(value)}`,
    )
  for (const [name, option] of Object.entries(value))
    if (typeof option !== 'string')
      throw badFlag(
        'authorization-url-options',
        `option "${name.slice(0, 100)}" must be a string (in quotes), not ${kindOf(option)}`,
      )
  return value as Record<string, unknown>
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
