import { randomUUID } from 'node:crypto'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { Connection } from '../../shared/settings-schema.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import { ManualReceiver } from '../auth/manual-receiver.ts'
import { makeReceiver } from '../auth/redirect-choice.ts'
import type { RedirectKind, RedirectReceiver } from '../auth/redirect-receiver.ts'
import { SIGN_IN_TTL_MS } from '../auth/sign-in-states.ts'
import type { AuthMethod, Provider } from '../providers/provider.ts'
import { providerById } from '../providers/registry.ts'

export interface SignInOutcome {
  signInId: string
  connection: Connection | null
  error: { code: AppError['code']; message: string } | null
}

interface Running {
  abort: AbortController
  receiver: RedirectReceiver | undefined
}

export interface WindowConnect {
  provider: string
  /** OAuth providers only: where the browser's answer comes back. */
  redirect: RedirectKind
  /** What the provider's connect form asked for (password and keys providers). */
  fields?: Record<string, string | boolean>
  /** The page to open: an OAuth authorization URL or a login flow's login page. */
  onUrl: (url: string, auth: AuthMethod) => Promise<void>
  onEnd: (outcome: SignInOutcome) => void
}

/** How a connect started from the window answers at once (see `connections.connect`). */
export interface ConnectStarted {
  signInId: string
  authorizeUrl: string | null
  connection: Connection | null
}

/**
 * Connects started from the window. A sign-in (OAuth, login flow) runs in the background with an
 * id, so the window can show "waiting", offer Cancel or a code field, and hear how it ended; a
 * provider that takes fields answers at once with its connection or its error.
 */
export class WindowSignIns {
  private readonly connections: ConnectionService
  private readonly home: string
  private readonly env: NodeJS.ProcessEnv
  private readonly running = new Map<string, Running>()

  constructor(connections: ConnectionService, home: string, env: NodeJS.ProcessEnv) {
    this.connections = connections
    this.home = home
    this.env = env
  }

  /**
   * Resolves with the page to open once there is one (the receiver listens by then), or with
   * the connection when the provider needed no page; `onEnd` hears every outcome.
   */
  start(request: WindowConnect): Promise<ConnectStarted> {
    const { onUrl, onEnd } = request
    const signInId = randomUUID()
    const provider = providerById(request.provider)
    const auth = provider?.auth
    const receiver =
      provider && auth === 'oauth-pkce' ? this.receiver(provider, request.redirect) : undefined
    const abort = new AbortController()
    this.running.set(signInId, { abort, receiver })
    return new Promise((resolve, reject) => {
      let announced = false
      this.connections
        .connect(request.provider, {
          receiver,
          fields: request.fields,
          timeoutMs: SIGN_IN_TTL_MS,
          signal: abort.signal,
          onAuthorizeUrl: async (authorizeUrl) => {
            announced = true
            resolve({ signInId, authorizeUrl, connection: null })
            await onUrl(authorizeUrl, auth ?? 'oauth-pkce')
          },
        })
        .then(
          (connection) => {
            onEnd({ signInId, connection, error: null })
            if (!announced) resolve({ signInId, authorizeUrl: null, connection })
          },
          (error: unknown) => {
            const appError = isAppError(error) ? error : new AppError('provider_error')
            onEnd({ signInId, connection: null, error: appError.toPayload() })
            if (!announced) reject(appError)
          },
        )
        .finally(() => this.running.delete(signInId))
    })
  }

  async submitCode(signInId: string, code: string): Promise<void> {
    const receiver = this.running.get(signInId)?.receiver
    if (!(receiver instanceof ManualReceiver)) throw new AppError('no_sign_in_waiting')
    await receiver.submit(code)
  }

  cancel(signInId: string): void {
    this.running
      .get(signInId)
      ?.abort.abort(new AppError('authorization_denied', 'The sign-in was cancelled.'))
  }

  /** The window's usual redirect, or the provider's default where it does not accept that one. */
  private receiver(provider: Provider, asked: RedirectKind): RedirectReceiver {
    const allowed = provider.redirects
    const kind = !allowed || allowed.includes(asked) ? asked : allowed[0]!
    return makeReceiver(provider, kind, this.home, this.env)
  }
}
