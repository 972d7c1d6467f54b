import { filesRoute } from './files-routes.ts'
import { davError, jsonReply, type Reply } from './http-io.ts'
import { cloudUserRoute, deleteAppPasswordRoute, missingOcsHeader } from './ocs-routes.ts'
import type { EmulatorState, RouteContext, RouteHandler } from './route-context.ts'
import { uploadsRoute } from './uploads-routes.ts'

type Request = Omit<RouteContext, 'appPassword'>

/** Anonymous routes: the two halves of Login Flow v2 and the page the user opens. */
function loginRoute(state: EmulatorState, ctx: Request): Reply | undefined {
  const { pathname } = ctx.url
  const method = ctx.req.method
  if (pathname === '/index.php/login/v2' && method === 'POST') return state.flows.start()
  if (pathname === '/index.php/login/v2/poll' && method === 'POST')
    return state.flows.poll(new URLSearchParams(ctx.body.toString('utf8')))
  const page = /^\/index\.php\/login\/v2\/flow\/([^/]+)$/.exec(pathname)
  if (page && method === 'GET') return state.flows.page(page[1]!)
  return undefined
}

const OCS_ROUTES: Record<string, { method: string; handler: RouteHandler }> = {
  '/ocs/v1.php/cloud/user': { method: 'GET', handler: cloudUserRoute },
  '/ocs/v2.php/core/apppassword': { method: 'DELETE', handler: deleteAppPasswordRoute },
}

function unauthorized(ocs: boolean): Reply {
  if (ocs)
    return jsonReply(401, {
      ocs: {
        meta: { status: 'failure', statuscode: 997, message: 'Current user is not logged in' },
        data: [],
      },
    })
  const reply = davError(
    401,
    'NotAuthenticated',
    'No public access to this resource., Username or password was incorrect',
  )
  return {
    ...reply,
    headers: { ...reply.headers, 'www-authenticate': 'Basic realm="Nextcloud", charset="UTF-8"' },
  }
}

export function dispatch(state: EmulatorState, request: Request): Reply {
  const anonymous = loginRoute(state, request)
  if (anonymous) return anonymous
  const { pathname } = request.url
  const ocsRoute = OCS_ROUTES[pathname]
  const dav = pathname.startsWith('/remote.php/dav/')
  if (!ocsRoute && !dav) return { status: 404, body: 'Page not found' }
  const appPassword = state.accounts.authenticate(request.req)
  if (!appPassword) return unauthorized(ocsRoute !== undefined)
  const ctx: RouteContext = { ...request, appPassword }
  if (ocsRoute) {
    if (request.req.method !== ocsRoute.method) return { status: 405, body: 'Method not allowed' }
    return missingOcsHeader(ctx) ?? ocsRoute.handler(state, ctx)
  }
  if (pathname.startsWith('/remote.php/dav/files/')) return filesRoute(state, ctx)
  if (pathname.startsWith('/remote.php/dav/uploads/')) return uploadsRoute(state, ctx)
  return davError(404, 'NotFound', 'Not emulated')
}
