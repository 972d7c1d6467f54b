/**
 * Settings that are secrets. settings.json is hand-editable, and a brewer following the issue's
 * wording may write `healthcheckUrl` into it; the URL is a secret (anyone holding it can report
 * for them), so the file never keeps it: the store takes it out on the first read and hands it
 * to the engine, which files it in the secret store.
 */
export const SECRET_SETTINGS = ['healthcheckUrl'] as const
export type SecretSetting = (typeof SECRET_SETTINGS)[number]

/** What a file held under secret keys, as written (not checked yet). */
export type HandWrittenSecrets = Partial<Record<SecretSetting, unknown>>

/** The settings object without its secret keys, and those keys' values if there were any. */
export function splitSecretSettings(raw: Record<string, unknown>): {
  rest: Record<string, unknown>
  secrets: HandWrittenSecrets | null
} {
  const present = SECRET_SETTINGS.filter((key) => Object.hasOwn(raw, key))
  if (present.length === 0) return { rest: raw, secrets: null }
  const rest = { ...raw }
  const secrets: HandWrittenSecrets = {}
  for (const key of present) {
    secrets[key] = rest[key]
    delete rest[key]
  }
  return { rest, secrets }
}
