import { useCallback, useState } from 'react'
import type { ErrorInfo, FieldValues, ProviderView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/**
 * Connects a provider that takes fields (a password, access keys): the answer is the connection
 * itself, or the provider's one-line reason, and nothing is saved on a refusal.
 */
export function useFieldConnect(provider: ProviderView, reconnecting?: string) {
  const api = useCompanion()
  const toast = useToast()
  const [error, setError] = useState<ErrorInfo | null>(null)
  const connect = useCallback(
    async (fields: FieldValues) => {
      setError(null)
      const result = await api['connections.connect']({ provider: provider.provider_id, fields })
      if (!result.ok) {
        setError(result.error)
        return false
      }
      const account = result.value.connection?.account
      toast({
        kind: 'success',
        title: `${provider.display_name} ${reconnecting ? 'reconnected' : 'connected'}`,
        message: account ? `Signed in as ${account.name || account.email}.` : undefined,
      })
      return true
    },
    [api, provider, reconnecting, toast],
  )
  const clearError = useCallback(() => setError(null), [])
  return { connect, error, clearError }
}
