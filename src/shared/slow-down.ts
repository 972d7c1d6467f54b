/**
 * A queued job held back because its destination asked us to slow down (HTTP 429 Retry-After),
 * said the same way in the CLI, the history and the window.
 */
export interface SlowDown {
  /** Epoch ms before which the job is not tried again. */
  until: number
  /** "Dropbox asked us to slow down": the provider named as the registry names it. */
  reason: string
}

export function slowDownReason(providerName: string): string {
  return `${providerName} asked us to slow down`
}

/** "waiting until 14:05 (Dropbox asked us to slow down)", in the local time of whoever reads it. */
export function waitingText({ until, reason }: SlowDown): string {
  const at = new Date(until)
  const clock = [at.getHours(), at.getMinutes()].map((n) => String(n).padStart(2, '0')).join(':')
  return `waiting until ${clock} (${reason})`
}
