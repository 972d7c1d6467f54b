import type { IncomingMessage } from 'node:http'
import { parentOf, type DriveItem, type DriveStore } from './drive-store.ts'
import { graphError, json, readBody, type Reply } from './http-reply.ts'
import type { UploadSession, UploadSessions } from './upload-sessions.ts'

/** Graph's simple upload takes files up to 4 MB; larger ones need an upload session. */
export const SIMPLE_UPLOAD_MAX = 4 * 1024 * 1024
const INVALID_NAME = /["*:<>?/\\|]/
const FILE_SCOPES = ['Files.ReadWrite.AppFolder']

export interface GraphState {
  drive: DriveStore
  sessions: UploadSessions
  quotaBytes: number
  pageSize: number
}

export interface GraphRequest {
  req: IncomingMessage
  url: URL
  /** "http://host:port" as the client reached us, so the URLs we hand out go the same way. */
  origin: string
  scopes: string[]
}

/** GET /v1.0/me, /me/drive and everything under /me/drive/special/approot or /me/drive/items. */
export async function graphRoute(state: GraphState, request: GraphRequest): Promise<Reply> {
  const path = request.url.pathname.slice('/v1.0'.length)
  if (path === '/me') {
    if (!request.scopes.includes('User.Read')) return denied()
    return json(200, {
      id: 'user-0001',
      displayName: 'Brewer Example',
      userPrincipalName: 'brewer@example.com',
      mail: 'brewer@example.com',
    })
  }
  if (!request.scopes.some((s) => FILE_SCOPES.includes(s))) return denied()
  if (path === '/me/drive') return json(200, driveJson(state))
  const target = resolve(state, path)
  if (target === undefined) return denied()
  if (typeof target !== 'object') return itemRoute(state, request, target, '')
  return itemRoute(state, request, target.path, target.action)
}

function denied(): Reply {
  return graphError(
    403,
    'accessDenied',
    'Access denied: the app has access to its own app folder only.',
  )
}

/** The app-folder path and action a URL addresses; undefined outside the app folder. */
function resolve(
  state: GraphState,
  path: string,
): { path: string; action: string } | string | undefined {
  const root = '/me/drive/special/approot'
  if (path.startsWith(`${root}:`)) {
    const match = /^:(\/[^:]*?)\/?(?::(\/[a-zA-Z]*)?)?$/.exec(path.slice(root.length))
    if (!match) return undefined
    return { path: match[1]!.split('/').map(decodeURIComponent).join('/'), action: match[2] ?? '' }
  }
  if (path === root || path.startsWith(`${root}/`))
    return { path: '', action: path.slice(root.length) }
  const byId = /^\/me\/drive\/items\/([^/]+)(\/[a-zA-Z]*)?$/.exec(path)
  if (byId) {
    const item = state.drive.byId(decodeURIComponent(byId[1]!))
    return { path: item ? item.path : '\0missing', action: byId[2] ?? '' }
  }
  return undefined
}

async function itemRoute(
  state: GraphState,
  request: GraphRequest,
  path: string,
  action: string,
): Promise<Reply> {
  const { req } = request
  const route = `${req.method} ${action}`
  if (route === 'PUT /content') return simpleUpload(state, request, path)
  if (route === 'POST /createUploadSession') return createSession(state, request, path)
  if (route === 'POST /children') return createFolder(state, request, path)
  await readBody(req)
  const item = state.drive.get(path)
  if (!item) return graphError(404, 'itemNotFound', 'The resource could not be found.')
  if (route === 'GET ') return json(200, itemJson(state, item, request.origin))
  if (route === 'DELETE ') {
    if (item.path === '')
      return graphError(403, 'accessDenied', 'The app folder cannot be deleted.')
    state.drive.remove(item.path)
    return { status: 204 }
  }
  if (route === 'GET /children') return children(state, request, item)
  if (route === 'GET /content') {
    if (item.isFolder) return graphError(400, 'invalidRequest', 'A folder has no content.')
    return { status: 302, headers: { location: downloadUrl(item, request.origin) } }
  }
  return graphError(
    400,
    'invalidRequest',
    `${req.method} ${action || 'item'} is not supported here.`,
  )
}

function children(state: GraphState, request: GraphRequest, folder: DriveItem): Reply {
  if (!folder.isFolder) return graphError(400, 'invalidRequest', 'The item is not a folder.')
  const all = state.drive.children(folder.path)
  const top = Number(request.url.searchParams.get('$top') ?? state.pageSize)
  const skip = Number(request.url.searchParams.get('$skiptoken') ?? 0)
  const page = all.slice(skip, skip + top)
  const body: Record<string, unknown> = {
    value: page.map((item) => itemJson(state, item, request.origin)),
  }
  if (skip + top < all.length) {
    const next = new URL(request.url.href, request.origin)
    next.searchParams.set('$skiptoken', String(skip + top))
    body['@odata.nextLink'] = next.href
  }
  return json(200, body)
}

async function createFolder(
  state: GraphState,
  request: GraphRequest,
  parentPath: string,
): Promise<Reply> {
  const body = parseJson(await readBody(request.req))
  const parent = state.drive.get(parentPath)
  if (!parent?.isFolder) return graphError(404, 'itemNotFound', 'The parent folder does not exist.')
  const name = body?.name
  if (
    typeof name !== 'string' ||
    name === '' ||
    INVALID_NAME.test(name) ||
    typeof body?.folder !== 'object'
  )
    return graphError(400, 'invalidRequest', 'A folder needs a valid "name" and a "folder" facet.')
  const path = `${parent.path}/${name}`
  const behavior = body['@microsoft.graph.conflictBehavior'] ?? 'fail'
  if (state.drive.get(path) && behavior === 'fail')
    return graphError(409, 'nameAlreadyExists', 'The specified item name already exists.')
  const item = state.drive.put({ path, name, isFolder: true, bytes: Buffer.alloc(0) })
  return json(201, itemJson(state, item, request.origin))
}

async function simpleUpload(
  state: GraphState,
  request: GraphRequest,
  path: string,
): Promise<Reply> {
  const length = Number(request.req.headers['content-length'] ?? NaN)
  if (!(length <= SIMPLE_UPLOAD_MAX)) {
    await readBody(request.req)
    return graphError(
      413,
      'requestEntityTooLarge',
      'Simple upload is limited to 4 MB: use an upload session.',
    )
  }
  const bytes = await readBody(request.req)
  const behavior = request.url.searchParams.get('@microsoft.graph.conflictBehavior') ?? 'replace'
  return store(state, request.origin, path, bytes, behavior)
}

async function createSession(
  state: GraphState,
  request: GraphRequest,
  path: string,
): Promise<Reply> {
  const body = parseJson(await readBody(request.req))
  const item = (body?.item ?? {}) as Record<string, unknown>
  const behavior = String(item['@microsoft.graph.conflictBehavior'] ?? 'replace')
  const problem = placement(state, path, behavior, Number(item.fileSize ?? 0))
  if (problem) return problem
  return state.sessions.create(
    path,
    path.slice(path.lastIndexOf('/') + 1),
    behavior,
    request.origin,
  )
}

/** The last fragment of a session arrived: the file is stored as a simple upload would be. */
export function commitSession(state: GraphState, origin: string) {
  return (session: UploadSession, bytes: Buffer): Reply =>
    store(state, origin, session.path, bytes, session.conflictBehavior)
}

function store(
  state: GraphState,
  origin: string,
  path: string,
  bytes: Buffer,
  behavior: string,
): Reply {
  const problem = placement(state, path, behavior, bytes.length)
  if (problem) return problem
  const replaced = state.drive.get(path) !== undefined
  const name = path.slice(path.lastIndexOf('/') + 1)
  const item = state.drive.put({ path, name, isFolder: false, bytes })
  return json(replaced ? 200 : 201, itemJson(state, item, origin))
}

/** Why a file of `size` cannot go to `path` (a missing folder, the name taken, no room), if so. */
function placement(
  state: GraphState,
  path: string,
  behavior: string,
  size: number,
): Reply | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (name === '' || INVALID_NAME.test(name))
    return graphError(400, 'invalidRequest', 'Invalid file name.')
  if (!state.drive.get(parentOf(path))?.isFolder)
    return graphError(404, 'itemNotFound', 'The parent folder does not exist.')
  const existing = state.drive.get(path)
  if (existing && behavior === 'fail')
    return graphError(409, 'nameAlreadyExists', 'The specified item name already exists.')
  const freed = existing?.bytes.length ?? 0
  if (state.drive.usedBytes() - freed + size > state.quotaBytes)
    return graphError(507, 'insufficientStorage', 'Insufficient Space Available')
  return undefined
}

function driveJson(state: GraphState) {
  const used = state.drive.usedBytes()
  return {
    id: state.drive.driveId,
    driveType: state.drive.driveType,
    owner: { user: { id: 'user-0001', displayName: 'Brewer Example' } },
    quota: {
      total: state.quotaBytes,
      used,
      remaining: Math.max(0, state.quotaBytes - used),
      deleted: 0,
      state: 'normal',
    },
  }
}

export function itemJson(state: GraphState, item: DriveItem, origin: string) {
  const parent = item.path === '' ? undefined : state.drive.get(parentOf(item.path))
  const base = {
    id: item.id,
    name: item.name,
    eTag: item.eTag,
    size: item.bytes.length,
    createdDateTime: item.created,
    lastModifiedDateTime: item.modified,
    parentReference: {
      driveId: state.drive.driveId,
      driveType: state.drive.driveType,
      id: parent?.id,
      path: `/drive/root:/Apps${parent ? `/${state.drive.appName}${parent.path}` : ''}`,
    },
  }
  if (item.isFolder)
    return { ...base, folder: { childCount: state.drive.children(item.path).length } }
  return {
    ...base,
    '@microsoft.graph.downloadUrl': downloadUrl(item, origin),
    file: { mimeType: 'application/octet-stream', hashes: state.drive.hashes(item) },
  }
}

function downloadUrl(item: DriveItem, origin: string): string {
  return `${origin}/_download/${item.id}?tempauth=${encodeURIComponent(item.eTag)}`
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body.toString()) as Record<string, unknown>
  } catch {
    return undefined
  }
}
