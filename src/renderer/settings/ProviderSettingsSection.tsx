import { useEffect, useState } from 'react'
import type { ErrorInfo, ProviderSettingsView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { ProviderSettingsCard } from './ProviderSettingsCard.tsx'

/** Connections › "Set up in Settings" scrolls here. */
export const PROVIDERS_HEADING_ID = 'storage-providers'

/** Settings › Storage providers: a card per provider in the registry, built or coming. */
export function ProviderSettingsSection() {
  const api = useCompanion()
  const [views, setViews] = useState<ProviderSettingsView[] | null>(null)
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null)

  useEffect(() => {
    let live = true
    void api['providers.settings']().then((result) => {
      if (!live) return
      if (result.ok) setViews(result.value)
      else setLoadError(result.error)
    })
    return () => {
      live = false
    }
  }, [api])

  const replace = (view: ProviderSettingsView) =>
    setViews((list) => list?.map((v) => (v.provider_id === view.provider_id ? view : v)) ?? null)

  return (
    <section className="stack provider-settings-list" aria-labelledby={PROVIDERS_HEADING_ID}>
      <div>
        <h2 id={PROVIDERS_HEADING_ID} className="section-title">
          Storage providers
        </h2>
        <p className="muted small">
          Where backups can go, and the app each one signs in with. Each card saves on its own.
        </p>
      </div>
      {loadError && <ErrorNote error={loadError} />}
      {views === null && !loadError && <div className="card skeleton tall" aria-hidden="true" />}
      {views?.map((view) => (
        <ProviderSettingsCard key={view.provider_id} view={view} onSaved={replace} />
      ))}
    </section>
  )
}
