import { createContext, useContext } from 'react'

export interface ToastInput {
  kind: 'success' | 'error' | 'info'
  title: string
  /** For errors: the engine's message, which already names the fix. */
  message?: string
}

export interface Toast extends ToastInput {
  id: number
}

export const ToastContext = createContext<(toast: ToastInput) => void>(() => {})

/** Shows a short message in the corner; errors stay until dismissed. */
export function useToast(): (toast: ToastInput) => void {
  return useContext(ToastContext)
}
