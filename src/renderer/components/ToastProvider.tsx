import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { ToastContext, type Toast, type ToastInput } from '../toast-context.ts'
import { Icon } from './Icon.tsx'

const SUCCESS_MS = 6000
const MAX_SHOWN = 4

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextId = useRef(1)
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>())

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id))
    timers.current.delete(id)
    setToasts((list) => list.filter((t) => t.id !== id))
  }, [])

  const show = useCallback(
    (input: ToastInput) => {
      const id = nextId.current++
      setToasts((list) => [...list, { ...input, id }].slice(-MAX_SHOWN))
      if (input.kind !== 'error')
        timers.current.set(
          id,
          setTimeout(() => dismiss(id), SUCCESS_MS),
        )
    },
    [dismiss],
  )

  useEffect(() => {
    const all = timers.current
    return () => all.forEach((timer) => clearTimeout(timer))
  }, [])

  return (
    <ToastContext value={show}>
      {children}
      <div className="toasts" aria-label="Notifications" role="region">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            <span className="toast-icon">
              <Icon
                name={
                  toast.kind === 'error'
                    ? 'errorCircle'
                    : toast.kind === 'success'
                      ? 'checkCircle'
                      : 'info'
                }
              />
            </span>
            <div className="toast-text">
              <strong>{toast.title}</strong>
              {toast.message && <p>{toast.message}</p>}
            </div>
            <button
              type="button"
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => dismiss(toast.id)}
            >
              <Icon name="close" size={16} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext>
  )
}
