import { authorizeRoute } from './oauth-authorize.ts'
import { tokenRoute } from './oauth-token.ts'
import { textReply, type Reply } from './reply.ts'
import type { EmulatorState, RouteContext, RouteHandler } from './route-context.ts'
import { getCurrentAccountRoute, getSpaceUsageRoute, revokeRoute } from './users-routes.ts'
import { finishRoute, appendRoute, startRoute, uploadRoute } from './upload-routes.ts'
import {
  deleteRoute,
  getMetadataRoute,
  listFolderContinueRoute,
  listFolderRoute,
} from './files-routes.ts'
import { finishBatchRoute } from './finish-batch-route.ts'
import { downloadRoute } from './download-route.ts'
import { sinkRoute, SINK_PATH } from './sink-route.ts'

interface RouteSpec {
  method: 'GET' | 'POST'
  handler: RouteHandler
}

// Dropbox serves these on www / api / content hosts; the emulator serves them all on one origin.
const ROUTES: Record<string, RouteSpec> = {
  '/oauth2/authorize': { method: 'GET', handler: authorizeRoute },
  '/oauth2/token': { method: 'POST', handler: tokenRoute },
  '/2/users/get_current_account': { method: 'POST', handler: getCurrentAccountRoute },
  '/2/users/get_space_usage': { method: 'POST', handler: getSpaceUsageRoute },
  '/2/auth/token/revoke': { method: 'POST', handler: revokeRoute },
  '/2/files/upload': { method: 'POST', handler: uploadRoute },
  '/2/files/upload_session/start': { method: 'POST', handler: startRoute },
  '/2/files/upload_session/append_v2': { method: 'POST', handler: appendRoute },
  '/2/files/upload_session/finish': { method: 'POST', handler: finishRoute },
  '/2/files/upload_session/finish_batch_v2': { method: 'POST', handler: finishBatchRoute },
  '/2/files/get_metadata': { method: 'POST', handler: getMetadataRoute },
  '/2/files/list_folder': { method: 'POST', handler: listFolderRoute },
  '/2/files/list_folder/continue': { method: 'POST', handler: listFolderContinueRoute },
  '/2/files/delete_v2': { method: 'POST', handler: deleteRoute },
  '/2/files/download': { method: 'POST', handler: downloadRoute },
  [SINK_PATH]: { method: 'POST', handler: sinkRoute },
}

/** 'files/upload' for '/2/files/upload': how Dropbox names a route in its 400 texts. */
export function routeName(path: string): string {
  return path.replace(/^\/2\//, '')
}

export async function dispatch(state: EmulatorState, ctx: RouteContext): Promise<Reply> {
  const spec = ROUTES[ctx.url.pathname]
  if (!spec) return textReply(404, `Unknown API function: "${ctx.route}"`)
  if (ctx.req.method !== spec.method) {
    return textReply(405, `Method ${ctx.req.method ?? ''} not allowed; use ${spec.method}.`, {
      allow: spec.method,
    })
  }
  return spec.handler(state, ctx)
}
