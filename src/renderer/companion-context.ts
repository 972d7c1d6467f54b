import { createContext, useContext } from 'react'
import type { CompanionApi } from './api-types.ts'

/** The API given to <App>: window.companion in the app, a fake in tests. */
export const CompanionContext = createContext<CompanionApi | null>(null)

export function useCompanion(): CompanionApi {
  const api = useContext(CompanionContext)
  if (api === null) throw new Error('useCompanion() outside <CompanionContext>')
  return api
}
