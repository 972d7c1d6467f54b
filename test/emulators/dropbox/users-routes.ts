import { authenticate, bearerToken } from './bearer-auth.ts'
import { jsonReply } from './reply.ts'
import { readVoidArg } from './request-args.ts'
import type { Account, EmulatorState, RouteContext, RouteHandler } from './route-context.ts'
import type { Reply } from './reply.ts'

/** Shared prologue of the void-argument routes: auth, then the (absent or null) argument. */
async function voidRoute(
  state: EmulatorState,
  ctx: RouteContext,
  scope: string | undefined,
  handle: () => Reply,
): Promise<Reply> {
  const denied = authenticate(state, ctx, scope)
  if (denied) return denied
  const bad = await readVoidArg(ctx)
  if (bad) return bad
  return handle()
}

function fullAccount(account: Account): Record<string, unknown> {
  const [given = account.name, ...rest] = account.name.split(' ')
  const surname = rest.join(' ')
  const initials = account.name
    .split(' ')
    .map((part) => part.charAt(0).toUpperCase())
    .join('')
  return {
    account_id: account.accountId,
    name: {
      given_name: given,
      surname,
      familiar_name: given,
      display_name: account.name,
      abbreviated_name: initials,
    },
    email: account.email,
    email_verified: true,
    disabled: false,
    country: 'US',
    locale: 'en',
    referral_link: 'https://www.dropbox.com/referrals/emulator',
    is_paired: false,
    account_type: { '.tag': 'basic' },
    root_info: { '.tag': 'user', root_namespace_id: '3235641', home_namespace_id: '3235641' },
  }
}

/** users/get_current_account (account_info.read). */
export const getCurrentAccountRoute: RouteHandler = (state, ctx) =>
  voidRoute(state, ctx, 'account_info.read', () => jsonReply(200, fullAccount(state.account)))

/** users/get_space_usage (account_info.read). */
export const getSpaceUsageRoute: RouteHandler = (state, ctx) =>
  voidRoute(state, ctx, 'account_info.read', () =>
    jsonReply(200, {
      used: state.files.usedBytes(),
      allocation: { '.tag': 'individual', allocated: state.files.quotaBytes },
    }),
  )

/** auth/token/revoke: needs no scope; answers the JSON document null. */
export const revokeRoute: RouteHandler = (state, ctx) =>
  voidRoute(state, ctx, undefined, () => {
    state.tokens.revokeCascade(bearerToken(ctx))
    return jsonReply(200, null)
  })
