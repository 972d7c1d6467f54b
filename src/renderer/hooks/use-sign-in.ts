import { useCallback, useRef, useState } from 'react'
import type { ErrorInfo, FieldValues, ProviderView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

/** What a sign-in needs to know of its provider: which one, its name, and how it signs in. */
export type SignInProvider = Pick<
  ProviderView,
  'provider_id' | 'display_name' | 'auth' | 'pastedCode'
>

/** `target`: the connection being reconnected, or null for a new account. */
export type SignInPhase =
  | { phase: 'idle' }
  | { phase: 'starting'; provider: SignInProvider; target: string | null; manual: boolean }
  /** The system browser is open; the answer comes back by itself. */
  | {
      phase: 'waiting'
      provider: SignInProvider
      target: string | null
      signInId: string
      authorizeUrl: string
    }
  /** No redirect (OAuth only): the provider shows a code, the user pastes it here. */
  | {
      phase: 'code'
      provider: SignInProvider
      target: string | null
      signInId: string
      authorizeUrl: string
      submitting: boolean
    }

export interface SignIn {
  state: SignInPhase
  error: ErrorInfo | null
  /** Where the error belongs: a connection id, or the provider id of a new account. */
  errorTarget: string | null
  /** `fields`: what a login flow asks first (its server's address). */
  connect: (provider: SignInProvider, target?: string | null, fields?: FieldValues) => void
  connectWithCode: (provider: SignInProvider, target?: string | null) => void
  submitCode: (code: string) => void
  cancel: () => void
  /** Forgets the error of `target` (what it was about is being corrected). */
  dismissError: (target: string) => void
}

/**
 * One sign-in at a time (OAuth, or a login flow), started from the window. The main process
 * opens the browser; how it ended arrives as signIn.finished, matched by id.
 */
export function useSignIn(): SignIn {
  const api = useCompanion()
  const toast = useToast()
  const [state, setState] = useState<SignInPhase>({ phase: 'idle' })
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [errorTarget, setErrorTarget] = useState<string | null>(null)
  // Sign-ins the user cancelled: their "cancelled" ending is not an error to show.
  const abandoned = useRef(new Set<string>())
  const startCount = useRef(0)

  const start = useCallback(
    (provider: SignInProvider, target: string | null, manual: boolean, fields?: FieldValues) => {
      const attempt = ++startCount.current
      setError(null)
      setErrorTarget(target ?? provider.provider_id)
      setState({ phase: 'starting', provider, target, manual })
      void api['connections.connect']({
        provider: provider.provider_id,
        ...(manual ? { redirect: 'manual' as const } : {}),
        ...(fields ? { fields } : {}),
      }).then((result) => {
        if (attempt !== startCount.current) {
          // Cancelled (or replaced) while starting: end it at once.
          if (result.ok) {
            abandoned.current.add(result.value.signInId)
            void api['connections.cancelSignIn']({ signInId: result.value.signInId })
          }
          return
        }
        if (!result.ok) {
          setError(result.error)
          setState({ phase: 'idle' })
          return
        }
        const { signInId, authorizeUrl } = result.value
        // A sign-in always names its page; without one there is nothing to wait for.
        if (authorizeUrl === null) return setState({ phase: 'idle' })
        setState(
          manual
            ? { phase: 'code', provider, target, signInId, authorizeUrl, submitting: false }
            : { phase: 'waiting', provider, target, signInId, authorizeUrl },
        )
      })
    },
    [api],
  )

  const abandonCurrent = useCallback(() => {
    startCount.current++
    if (state.phase === 'waiting' || state.phase === 'code') {
      abandoned.current.add(state.signInId)
      void api['connections.cancelSignIn']({ signInId: state.signInId })
    }
  }, [api, state])

  const cancel = useCallback(() => {
    abandonCurrent()
    setState({ phase: 'idle' })
  }, [abandonCurrent])

  const connectWithCode = useCallback(
    (provider: SignInProvider, target: string | null = null) => {
      // Switching mid-sign-in keeps what it was for (a new account, or a reconnect).
      const keep = state.phase === 'idle' ? target : state.target
      abandonCurrent()
      start(provider, keep, true)
    },
    [abandonCurrent, start, state],
  )

  const submitCode = useCallback(
    (code: string) => {
      if (state.phase !== 'code') return
      const { signInId } = state
      setError(null)
      setState({ ...state, submitting: true })
      void api['connections.submitCode']({ signInId, code: code.trim() }).then((result) => {
        if (result.ok) return // signIn.finished tells how it ended
        setError(result.error)
        setState((s) => (s.phase === 'code' ? { ...s, submitting: false } : s))
      })
    },
    [api, state],
  )

  useCompanionEvent('signIn.finished', (outcome) => {
    if (abandoned.current.delete(outcome.signInId)) return
    const current = state.phase === 'waiting' || state.phase === 'code' ? state.signInId : null
    if (outcome.signInId !== current) return
    const name = state.phase === 'idle' ? '' : state.provider.display_name
    setState({ phase: 'idle' })
    if (outcome.connection) {
      setError(null)
      toast({
        kind: 'success',
        title: `${name} connected`,
        message: `Signed in as ${outcome.connection.account.name}. New backups go there from now on.`,
      })
    } else if (outcome.error) {
      setError(outcome.error)
    }
  })

  const connect = useCallback(
    (provider: SignInProvider, target: string | null = null, fields?: FieldValues) =>
      start(provider, target, false, fields),
    [start],
  )
  const dismissError = useCallback(
    (target: string) => {
      if (errorTarget === target) setError(null)
    },
    [errorTarget],
  )
  return { state, error, errorTarget, connect, connectWithCode, submitCode, cancel, dismissError }
}
