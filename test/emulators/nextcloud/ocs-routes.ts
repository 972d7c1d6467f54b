import { SPACE_UNLIMITED } from './file-tree.ts'
import { header, jsonReply, type Reply } from './http-io.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'

/** OCS v1 reports success as statuscode 100 in the body; v2 as the HTTP status (200). */
function ocs(version: 1 | 2, data: unknown): Reply {
  const statuscode = version === 1 ? 100 : 200
  return jsonReply(200, { ocs: { meta: { status: 'ok', statuscode, message: 'OK' }, data } })
}

/** Without `OCS-APIRequest: true` a Basic-auth OCS call fails the CSRF check, as on the server. */
export function missingOcsHeader(ctx: RouteContext): Reply | undefined {
  if (header(ctx.req, 'ocs-apirequest')?.toLowerCase() === 'true') return undefined
  return jsonReply(401, {
    ocs: {
      meta: { status: 'failure', statuscode: 997, message: 'Current user is not logged in' },
      data: [],
    },
  })
}

/** GET /ocs/v1.php/cloud/user?format=json: who the app password belongs to. */
export function cloudUserRoute(state: EmulatorState, ctx: RouteContext): Reply {
  if (ctx.url.searchParams.get('format') !== 'json')
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><ocs/>',
    }
  const { user } = state.accounts
  const quota = state.files.quota
  return ocs(1, {
    id: user.id,
    'display-name': user.displayName,
    email: user.email,
    quota: {
      free: state.files.available(),
      used: state.files.used(),
      total: quota === undefined ? SPACE_UNLIMITED : quota,
      quota: quota ?? SPACE_UNLIMITED,
    },
  })
}

/** DELETE /ocs/v2.php/core/apppassword: the app password that made the call stops working. */
export function deleteAppPasswordRoute(state: EmulatorState, ctx: RouteContext): Reply {
  state.accounts.revoke(ctx.appPassword)
  return ocs(2, [])
}
