import type { AuthKind } from '../api-types.ts'
import { Icon, type IconName } from '../components/Icon.tsx'

/** A folder on a disk, a server you name, or a cloud you sign in to: chosen by how it connects. */
const ICONS: Record<AuthKind, IconName> = {
  none: 'drive',
  password: 'server',
  'access-keys': 'server',
  'login-flow': 'cloud',
  'oauth-pkce': 'cloud',
}

export function ProviderGlyph({ auth }: { auth: AuthKind }) {
  return (
    <span className={`provider-glyph glyph-${auth}`} aria-hidden="true">
      <Icon name={ICONS[auth]} size={22} />
    </span>
  )
}
