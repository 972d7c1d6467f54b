import { authError, badInput, type Reply } from './reply.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'

const BEARER = /^Bearer ([^\s]+)$/i

/** Checks `Authorization: Bearer`, then the token, then the route's scope (auth.stone). */
export function authenticate(
  state: EmulatorState,
  ctx: RouteContext,
  requiredScope: string | undefined,
): Reply | undefined {
  const header = ctx.req.headers.authorization
  // A missing or malformed header is bad input (400 text), not an AuthError.
  if (header === undefined) {
    return badInput(
      ctx.route,
      'Must provide HTTP header "Authorization" or URL parameter "authorization".',
    )
  }
  const token = BEARER.exec(header)?.[1]
  if (token === undefined) {
    return badInput(
      ctx.route,
      'Invalid authorization value in HTTP header "Authorization". Expecting "Bearer <oauth2-access-token>".',
    )
  }
  const check = state.tokens.check(token)
  if (!check.ok) return authError({ '.tag': check.tag })
  if (requiredScope !== undefined && !check.scopes.includes(requiredScope)) {
    return authError({ '.tag': 'missing_scope', required_scope: requiredScope })
  }
  return undefined
}

/** The bearer token of an already authenticated request. */
export function bearerToken(ctx: RouteContext): string {
  return BEARER.exec(ctx.req.headers.authorization ?? '')?.[1] ?? ''
}
