import { AppError } from '../../shared/app-error.ts'
import type { Logger } from '../log/logger.ts'
import type { FetchFn } from '../net/fetch-with-retry.ts'
import type { SecretStore } from '../secrets/secret-store.ts'
import type { SettingsStore } from '../store/settings-store.ts'
import type { Job } from '../uploads/job-types.ts'

/** The secret store account holding the ping URL (connection ids are generated, never this). */
export const PING_ACCOUNT = 'healthcheck-url'

/** A monitor that does not answer quickly must not hold up the queue or a CLI exit. */
const PING_TIMEOUT_MS = 5000

export interface HealthPingOptions {
  settings: SettingsStore
  secrets: () => Promise<SecretStore>
  log: Logger
  /** The engine's fetch, so a ping takes the proxy route too. Absent: Node's fetch. */
  fetch?: FetchFn
}

/**
 * Tells a healthchecks.io-style monitor about each finished upload: a GET of the URL after a
 * verified upload, of `<url>/fail` after a final failure. A ping never fails an upload, and the
 * URL (a secret: anyone holding it can report for you) is never logged or printed.
 */
export class HealthPing {
  private readonly pending = new Set<Promise<void>>()
  /** A hand-written URL being filed: a ping waits for it, so it goes to the new URL. */
  private adopting: Promise<unknown> = Promise.resolve()

  private readonly options: HealthPingOptions

  constructor(options: HealthPingOptions) {
    this.options = options
  }

  /** Stores the URL in the secret store; only the fact that one is set goes to the settings. */
  async set(url: string): Promise<void> {
    const trimmed = url.trim()
    if (!isHttpUrl(trimmed))
      throw new AppError(
        'usage',
        'The ping URL must be an http:// or https:// address; pipe it on stdin, one line.',
      )
    await (await this.options.secrets()).set(PING_ACCOUNT, trimmed.replace(/\/+$/, ''))
    this.options.settings.update((s) => ({ ...s, healthcheckPing: true }))
  }

  async clear(): Promise<void> {
    if (this.options.settings.get().healthcheckPing)
      await (await this.options.secrets()).delete(PING_ACCOUNT)
    this.options.settings.update((s) => ({ ...s, healthcheckPing: false }))
  }

  /**
   * Files a `healthcheckUrl` written into settings.json by hand, which the settings store has
   * already taken out of the file: saved as `--set-ping-url-stdin` saves it, and null or "" clears
   * it. Returns the one-line problem when it could not be saved (not an http(s) URL, or the secret
   * store refused it); the file does not keep it either way, so a secret never stays there.
   */
  adoptHandWritten(): Promise<AppError | undefined> {
    const { healthcheckUrl } = this.options.settings.takeHandWrittenSecrets()
    if (healthcheckUrl === undefined) return Promise.resolve(undefined)
    const adopted = this.adopt(healthcheckUrl)
    this.adopting = adopted
    return adopted
  }

  private async adopt(url: unknown): Promise<AppError | undefined> {
    try {
      if (url === null || url === '') await this.clear()
      else if (typeof url !== 'string' || !isHttpUrl(url.trim()))
        return new AppError('ping_url_invalid')
      else await this.set(url)
      return undefined
    } catch (error) {
      return new AppError('ping_url_not_saved', undefined, { cause: error })
    }
  }

  isSet(): boolean {
    return this.options.settings.get().healthcheckPing
  }

  /** The queue's 'job' listener: pings on `done` and `failed`, ignores every other state. */
  jobFinished(job: Job): void {
    if (job.state !== 'done' && job.state !== 'failed') return
    if (!this.isSet()) return
    const ping = this.ping(job.state === 'done' ? '' : '/fail', job.id)
    this.pending.add(ping)
    void ping.finally(() => this.pending.delete(ping))
  }

  /** Waits for pings under way, so a CLI upload does not exit before its monitor heard. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending])
  }

  private async ping(suffix: string, jobId: number): Promise<void> {
    const event = suffix ? 'failure' : 'success'
    try {
      await this.adopting
      const url = await (await this.options.secrets()).get(PING_ACCOUNT)
      if (!url) return
      const fetchFn = this.options.fetch ?? fetch
      const response = await fetchFn(url + suffix, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) })
      await response.body?.cancel()
      if (!response.ok)
        this.options.log.warn('health ping refused', { event, jobId, status: response.status })
      else this.options.log.debug('health ping sent', { event, jobId })
    } catch (error) {
      // Only the error's kind: fetch's messages and causes can carry the address.
      const cause = (error as { cause?: { code?: string; name?: string } }).cause
      const reason = cause?.code ?? cause?.name ?? (error as Error).name
      // A monitor that took the connection and never answered: said in so many words.
      const timedOut = reason === 'TimeoutError'
      this.options.log.warn(timedOut ? 'health ping failed: timed out' : 'health ping failed', {
        event,
        jobId,
        reason,
        ...(timedOut ? { afterMs: PING_TIMEOUT_MS } : {}),
      })
    }
  }
}

/** An absolute http:// or https:// URL: all a ping can GET. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
