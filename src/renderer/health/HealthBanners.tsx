import { useState } from 'react'
import './health.css'
import { Banner } from '../components/Banner.tsx'
import { useHealth } from './use-health.ts'

/**
 * A banner per health alert, naming the cause and the fix. Hidden by the user until its message
 * changes (the silence grew a day longer, say); the monitor removes it when the silence ends.
 */
export function HealthBanners() {
  const health = useHealth()
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set())
  const alerts = (health?.alerts ?? []).filter((alert) => !hidden.has(alert.message))
  return alerts.map((alert) => (
    <Banner
      key={alert.key}
      tone={alert.severity === 'error' ? 'error' : 'warning'}
      icon="clock"
      title="Backups have gone quiet"
      onDismiss={() => setHidden((set) => new Set(set).add(alert.message))}
    >
      {alert.message}
    </Banner>
  ))
}
