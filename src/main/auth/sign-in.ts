import * as oauth from 'oauth4webapi'
import { AppError } from '../../shared/app-error.ts'
import { parseCallbackUrl, printable } from './callback-url.ts'
import type { OAuthProvider, TokenGrant } from './oauth-provider.ts'
import type { RedirectReceiver, SignInAnswer } from './redirect-receiver.ts'
import type { PendingSignIn, SignInStates } from './sign-in-states.ts'

export interface SignInOptions {
  provider: OAuthProvider
  receiver: RedirectReceiver
  states: SignInStates
  /** How long to wait for the browser; at most the state's own 10-minute life. */
  timeoutMs: number
  /** Called once the receiver listens: print the URL, open the browser. */
  onAuthorizeUrl: (url: string) => void | Promise<void>
  signal?: AbortSignal
}

/**
 * One authorization-code + PKCE sign-in: begins a state, waits for an answer through the receiver,
 * and exchanges the code. Each answer is judged on its own; a bad one is refused to its sender
 * while the sign-in keeps waiting, except a provider refusal, which ends it.
 */
export async function signIn(options: SignInOptions): Promise<TokenGrant> {
  const { provider, receiver, states } = options
  let settle: { resolve: (grant: TokenGrant) => void; reject: (error: unknown) => void }
  const outcome = new Promise<TokenGrant>((resolve, reject) => (settle = { resolve, reject }))
  const timer = setTimeout(
    () => settle.reject(timeoutError(receiver, provider.displayName)),
    options.timeoutMs,
  )
  const onAbort = () => settle.reject(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  // The receiver listens first: a loopback on a port the OS picks knows its redirect URI only then.
  let pending: PendingSignIn | undefined
  try {
    await receiver.start(async (answer) => {
      if (!pending) throw new AppError('no_sign_in_waiting')
      try {
        settle.resolve(await answerToGrant(answer, pending, options))
      } catch (error) {
        if (error instanceof AppError && error.code === 'authorization_denied') settle.reject(error)
        throw error
      }
    })
    pending = await states.begin(provider.id, receiver.redirectUri)
    const codeChallenge = await oauth.calculatePKCECodeChallenge(pending.codeVerifier)
    await options.onAuthorizeUrl(
      provider.authorizeUrl({
        state: pending.state,
        codeChallenge,
        redirectUri: receiver.redirectUri,
      }),
    )
    return await outcome
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
    if (pending) states.abandon(pending.state)
    await receiver.close()
  }
}

async function answerToGrant(answer: SignInAnswer, pending: PendingSignIn, options: SignInOptions) {
  const { provider, states, receiver } = options
  if (answer.kind === 'code') {
    // The pasted code carries no state; the person pasting it is the channel.
    const code = answer.code.trim()
    if (!/^[\w.~-]{10,512}$/.test(code))
      throw new AppError('invalid_code', `That does not look like a ${provider.displayName} code.`)
    return provider.exchangeCode({ code, codeVerifier: pending.codeVerifier })
  }
  const params = parseCallbackUrl(answer.url, receiver.redirectUri!)
  const taken = await states.consume(params.get('state')!, provider.id, receiver.redirectUri)
  const error = params.get('error')
  if (error) {
    const said = printable(params.get('error_description')) || printable(error)
    throw new AppError(
      'authorization_denied',
      `${provider.displayName} did not grant access: ${said}.`,
    )
  }
  return provider.exchangeCode({
    code: params.get('code')!,
    codeVerifier: taken.codeVerifier,
    redirectUri: receiver.redirectUri,
  })
}

function timeoutError(receiver: RedirectReceiver, providerName: string): AppError {
  const where = receiver.redirectUri
    ? `No sign-in answer arrived. The redirect URI that must be registered in your ${providerName} app, exactly, is ${receiver.redirectUri} .`
    : 'No code was pasted in time.'
  return new AppError('redirect_timeout', where)
}
