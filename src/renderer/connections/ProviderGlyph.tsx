import { Icon } from '../components/Icon.tsx'

export function ProviderGlyph({ provider }: { provider: 'dropbox' | 'local' }) {
  return (
    <span className={`provider-glyph provider-${provider}`} aria-hidden="true">
      <Icon name={provider === 'dropbox' ? 'cloud' : 'drive'} size={22} />
    </span>
  )
}
