import { useCallback, useRef, useState } from 'react'
import type { ErrorInfo } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

/** `target`: the connection being reconnected, or null for a new account. */
export type SignInPhase =
  | { phase: 'idle' }
  | { phase: 'starting'; target: string | null; manual: boolean }
  /** The system browser is open; the answer comes back by itself. */
  | { phase: 'waiting'; target: string | null; signInId: string; authorizeUrl: string }
  /** No redirect: Dropbox shows a code, the user pastes it here. */
  | {
      phase: 'code'
      target: string | null
      signInId: string
      authorizeUrl: string
      submitting: boolean
    }

export interface SignIn {
  state: SignInPhase
  error: ErrorInfo | null
  /** Where the error belongs: as `target` above. */
  errorTarget: string | null
  connect: (target?: string | null) => void
  connectWithCode: (target?: string | null) => void
  submitCode: (code: string) => void
  cancel: () => void
}

/**
 * One Dropbox sign-in at a time, started from the window. The main process opens the browser;
 * how it ended arrives as signIn.finished, matched by id.
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
    (target: string | null, manual: boolean) => {
      const attempt = ++startCount.current
      setError(null)
      setErrorTarget(target)
      setState({ phase: 'starting', target, manual })
      void api['connections.connect']({
        provider: 'dropbox',
        ...(manual ? { redirect: 'manual' as const } : {}),
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
        setState(
          manual
            ? { phase: 'code', target, signInId, authorizeUrl, submitting: false }
            : { phase: 'waiting', target, signInId, authorizeUrl },
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
    (target: string | null = null) => {
      // Switching mid-sign-in keeps what it was for (a new account, or a reconnect).
      const keep = state.phase === 'idle' ? target : state.target
      abandonCurrent()
      start(keep, true)
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
    setState({ phase: 'idle' })
    if (outcome.connection) {
      setError(null)
      toast({
        kind: 'success',
        title: 'Dropbox connected',
        message: `Signed in as ${outcome.connection.account.name}. New backups go there from now on.`,
      })
    } else if (outcome.error) {
      setError(outcome.error)
    }
  })

  const connect = useCallback((target: string | null = null) => start(target, false), [start])
  return { state, error, errorTarget, connect, connectWithCode, submitCode, cancel }
}
