/** Field names whose values are never written anywhere: tokens, secrets, PKCE verifiers, auth codes. */
const SECRET_KEY = /token|secret|authorization|password|verifier|^code$|cookie/i

/** Masks every secret-looking field, at any depth, so no call site has to remember to. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  if (value instanceof Error) return { name: value.name, message: value.message }
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redact(field, depth + 1),
    ]),
  )
}
