/**
 * How long a server asked us to wait, in ms, from its Retry-After header (RFC 9110 §10.2.3:
 * delta-seconds or an HTTP-date) or, failing that, Dropbox's `retry_after` in a JSON 429 body.
 * Undefined when it asked nothing usable (no header, garbage, zero, or a date already past):
 * the caller then uses its own jittered backoff.
 */
export function retryAfterMs(
  headers: Headers,
  text: string,
  now: number = Date.now(),
): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now) ?? bodyRetryAfter(text)
}

/** One Retry-After value: seconds, or a date, which counts from `now` (the client's clock). */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return positive(Number(text) * 1000)
  const date = Date.parse(text)
  // An HTTP-date has whole seconds: waiting until it is the least that honours it.
  return Number.isNaN(date) ? undefined : positive(date - now)
}

function bodyRetryAfter(text: string): number | undefined {
  try {
    const seconds = (JSON.parse(text) as { error?: { retry_after?: unknown } } | null)?.error
      ?.retry_after
    return typeof seconds === 'number' ? positive(seconds * 1000) : undefined
  } catch {
    return undefined
  }
}

const positive = (ms: number) => (Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : undefined)
