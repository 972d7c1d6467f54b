import { useState } from 'react'
import { connectionProblem } from '../../shared/connection-status.ts'
import type { Connection, ProviderView, StatusView } from '../api-types.ts'
import { HealthBanners } from '../health/HealthBanners.tsx'
import { SettingsFileBanner } from '../settings/SettingsFileBanner.tsx'
import { Banner } from './Banner.tsx'

export interface AppBannersProps {
  status: StatusView | null
  reauth: Connection[]
  providers: ProviderView[] | null
  signInBusy: boolean
  /** The Connections section shows reconnecting on the account itself. */
  showReauth: boolean
  /** Banner ids the user closed, in this run or an earlier one (kept by main). */
  dismissed: readonly string[]
  onDismiss: (id: string) => void
  onReconnect: (connectionId: string) => void
}

/** One id per distinct error, so closing it hides that error only, across restarts too. */
export function lastProblemBannerId(error: { code: string; message: string }): string {
  return `last-problem:${error.code}:${error.message}`.slice(0, 200)
}

/**
 * What needs the user on every screen: a hand edit of the settings file that is not applied, an
 * account to reconnect, the last error and its fix, and backups that have gone quiet.
 */
export function AppBanners(props: AppBannersProps) {
  const { status, reauth, providers, signInBusy, showReauth, onReconnect } = props
  // Hidden by the user until a different error comes (the engine clears it on the next success).
  // Held here too, so it goes at once rather than when main has stored it.
  const [hidden, setHidden] = useState<string | null>(null)
  const first = showReauth ? reauth[0] : undefined
  const lastError = status?.lastError ?? null
  // A needs-reauth error is said by the reconnect banner or the account card, with its button.
  const errorId = lastError ? lastProblemBannerId(lastError) : null
  const showError =
    lastError &&
    errorId !== hidden &&
    !props.dismissed.includes(errorId!) &&
    !(
      reauth.length > 0 &&
      (lastError.code === 'needs_reauth' || lastError.code === 'missing_permission')
    )
  const name = first
    ? (providers?.find((p) => p.provider_id === first.provider)?.display_name ?? first.provider)
    : ''
  return (
    <div className="banners">
      <SettingsFileBanner />
      <HealthBanners />
      {first && (
        <Banner
          tone="warning"
          icon="key"
          title={
            reauth.length === 1
              ? `Sign in to ${name} again (${first.account.name})`
              : `Sign in to ${reauth.length} accounts again`
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
            : `${name} access was revoked or has expired.`}{' '}
          Uploads to it wait until you reconnect; nothing is lost.
        </Banner>
      )}
      {showError && (
        <Banner
          tone="error"
          icon="alert"
          title="Last problem"
          onDismiss={() => {
            setHidden(errorId)
            props.onDismiss(errorId!)
          }}
        >
          {lastError.message}
        </Banner>
      )}
    </div>
  )
}
