import type { ProviderView } from '../api-types.ts'
import { Icon } from '../components/Icon.tsx'

/** Providers that are built but not set up (no client id, switched off): why, and where to fix it. */
export function NotSetUpList(props: { providers: ProviderView[]; onOpenSettings: () => void }) {
  return (
    <div className="card not-set-up" role="group" aria-label="Not set up yet">
      <ul>
        {props.providers.map((p) => (
          <li key={p.provider_id}>
            <Icon name="key" size={16} />
            <span>
              <strong>{p.display_name}:</strong> {p.reason}
            </span>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={props.onOpenSettings}>
        Set up in Settings
      </button>
    </div>
  )
}
