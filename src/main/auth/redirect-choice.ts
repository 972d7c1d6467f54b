import { AppError } from '../../shared/app-error.ts'
import type { Provider } from '../providers/provider.ts'
import { LoopbackReceiver, loopbackPort } from './loopback-receiver.ts'
import { ManualReceiver } from './manual-receiver.ts'
import type { RedirectKind, RedirectReceiver } from './redirect-receiver.ts'
import { SchemeReceiver } from './scheme-receiver.ts'

/**
 * The redirect a sign-in uses: the one asked for when the provider accepts it (a refusal when
 * it does not), or the provider's default, or `fallback` for a provider that accepts them all.
 */
export function chooseRedirect(
  provider: Provider,
  asked: RedirectKind | undefined,
  fallback: () => RedirectKind,
): RedirectKind {
  const allowed = provider.redirects
  if (asked === undefined) return allowed?.[0] ?? fallback()
  if (!allowed || allowed.includes(asked)) return asked
  throw new AppError(
    'usage',
    `${provider.displayName} does not accept --redirect ${asked}; use ${allowed.join(' or ')}.`,
  )
}

/**
 * The receiver for that redirect: a loopback on the fixed port, or any port where allowed, at
 * the host the provider's registration names.
 */
export function makeReceiver(
  provider: Provider,
  kind: RedirectKind,
  home: string,
  env: NodeJS.ProcessEnv,
): RedirectReceiver {
  if (kind === 'scheme') return new SchemeReceiver(home)
  if (kind === 'loopback')
    return new LoopbackReceiver(
      provider.anyLoopbackPort ? 0 : loopbackPort(env),
      provider.loopbackHost,
    )
  return new ManualReceiver()
}
