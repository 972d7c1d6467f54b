import { randomUUID } from 'node:crypto'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { Connection } from '../../shared/settings-schema.ts'
import type { ConnectionService } from '../auth/connection-service.ts'
import { LoopbackReceiver, loopbackPort } from '../auth/loopback-receiver.ts'
import { ManualReceiver } from '../auth/manual-receiver.ts'
import type { RedirectKind, RedirectReceiver } from '../auth/redirect-receiver.ts'
import { SchemeReceiver } from '../auth/scheme-receiver.ts'
import { SIGN_IN_TTL_MS } from '../auth/sign-in-states.ts'

export interface SignInOutcome {
  signInId: string
  connection: Connection | null
  error: { code: AppError['code']; message: string } | null
}

interface Running {
  abort: AbortController
  receiver: RedirectReceiver
}

/**
 * Sign-ins started from the window: each runs in the background with an id, so the window can
 * show "waiting", offer Cancel or a code field, and hear how it ended.
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

  /** Resolves with the authorization URL once the receiver listens; `onEnd` hears the outcome. */
  start(
    kind: RedirectKind,
    onUrl: (url: string) => Promise<void>,
    onEnd: (outcome: SignInOutcome) => void,
  ): Promise<{ signInId: string; authorizeUrl: string }> {
    const signInId = randomUUID()
    const receiver = this.receiver(kind)
    const abort = new AbortController()
    this.running.set(signInId, { abort, receiver })
    return new Promise((resolve, reject) => {
      let announced = false
      this.connections
        .connect('dropbox', {
          receiver,
          timeoutMs: SIGN_IN_TTL_MS,
          signal: abort.signal,
          onAuthorizeUrl: async (authorizeUrl) => {
            announced = true
            resolve({ signInId, authorizeUrl })
            await onUrl(authorizeUrl)
          },
        })
        .then(
          (connection) => onEnd({ signInId, connection, error: null }),
          (error: unknown) => {
            const appError = isAppError(error) ? error : new AppError('provider_error')
            if (announced) onEnd({ signInId, connection: null, error: appError.toPayload() })
            else reject(appError)
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

  private receiver(kind: RedirectKind): RedirectReceiver {
    if (kind === 'scheme') return new SchemeReceiver(this.home)
    if (kind === 'loopback') return new LoopbackReceiver(loopbackPort(this.env))
    return new ManualReceiver()
  }
}
