import { useState } from 'react'
import { connectionProblem } from '../../shared/connection-status.ts'
import type { Connection, StatusView } from '../api-types.ts'
import { Banner } from './Banner.tsx'

export interface AppBannersProps {
  status: StatusView | null
  reauth: Connection[]
  signInBusy: boolean
  /** The Connections section shows reconnecting on the account itself. */
  showReauth: boolean
  onReconnect: (connectionId: string) => void
}

/** What needs the user on every screen: an account to reconnect, the last error and its fix. */
export function AppBanners(props: AppBannersProps) {
  const { status, reauth, signInBusy, showReauth, onReconnect } = props
  // Hidden by the user until a different error comes (the engine clears it on the next success).
  const [hidden, setHidden] = useState<string | null>(null)
  const first = showReauth ? reauth[0] : undefined
  const lastError = status?.lastError ?? null
  // A needs-reauth error is said by the reconnect banner or the account card, with its button.
  const showError =
    lastError &&
    lastError.message !== hidden &&
    !(
      reauth.length > 0 &&
      (lastError.code === 'needs_reauth' || lastError.code === 'missing_permission')
    )
  if (!first && !showError) return null
  return (
    <div className="banners">
      {first && (
        <Banner
          tone="warning"
          icon="key"
          title={
            reauth.length === 1
              ? `Sign in to Dropbox again (${first.account.name})`
              : `Sign in to ${reauth.length} Dropbox accounts again`
          }
          action={
            <button
              type="button"
              className="button button-primary"
              disabled={signInBusy}
              onClick={() => onReconnect(first.id)}
            >
              Reconnect
            </button>
          }
        >
          {first.status === 'missing_permission'
            ? connectionProblem(first.status)
            : 'Dropbox access was revoked or has expired.'}{' '}
          Uploads to it wait until you reconnect; nothing is lost.
        </Banner>
      )}
      {showError && (
        <Banner
          tone="error"
          icon="alert"
          title="Last problem"
          onDismiss={() => setHidden(lastError.message)}
        >
          {lastError.message}
        </Banner>
      )}
    </div>
  )
}
