import { Icon } from '../components/Icon.tsx'

import type { ProviderId } from '../../shared/provider-settings.ts'

export function ProviderGlyph({ provider }: { provider: ProviderId }) {
  return (
    <span className={`provider-glyph provider-${provider}`} aria-hidden="true">
      <Icon name={provider === 'local' ? 'drive' : 'cloud'} size={22} />
    </span>
  )
}
