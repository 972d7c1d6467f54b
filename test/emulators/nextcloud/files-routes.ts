import { checksumMismatch } from './checksum-header.ts'
import { destinationPath, filesRoot, pathUnder } from './dav-paths.ts'
import { parentOf, type Entry } from './file-tree.ts'
import { davError, header, type Reply } from './http-io.ts'
import { encodePath, multistatus, requestedProps, type ResourceProps } from './multistatus.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'

/** Sabre answers PROPFIND with Depth infinity (or none) as Depth 1, as Nextcloud disables infinity. */
export function depthOf(value: string | undefined): 0 | 1 {
  return value === '0' ? 0 : 1
}

export function mtimeHeader(value: string | undefined, now: number): number {
  const seconds = Number(value)
  return value !== undefined && Number.isInteger(seconds) && seconds > 0
    ? seconds
    : Math.floor(now / 1000)
}

function resource(state: EmulatorState, entry: Entry): ResourceProps {
  const root = filesRoot(state.accounts.user.id)
  const { file } = entry
  if (!file) {
    return {
      href: `${root}${encodePath(entry.path === '/' ? '/' : `${entry.path}/`)}`,
      isFolder: true,
      quotaUsed: state.files.used(),
      quotaAvailable: state.files.available(),
    }
  }
  return {
    href: `${root}${encodePath(entry.path)}`,
    isFolder: false,
    size: file.data.length,
    mtime: file.mtime,
    etag: file.etag,
    fileId: file.fileId,
    checksum: file.checksum,
  }
}

function propfind(state: EmulatorState, ctx: RouteContext, path: string): Reply {
  if (!state.files.exists(path))
    return davError(404, 'NotFound', `File with name ${path} could not be located`)
  let props: string[]
  try {
    props = requestedProps(ctx.body.toString('utf8'))
  } catch {
    return davError(400, 'BadRequest', 'The request body is not a valid PROPFIND document')
  }
  const entries = state.files.entries(path, depthOf(header(ctx.req, 'depth')))
  return {
    status: 207,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: multistatus(
      entries.map((e) => resource(state, e)),
      props,
    ),
  }
}

function put(state: EmulatorState, ctx: RouteContext, path: string): Reply {
  if (state.files.isFolder(path)) return davError(405, 'MethodNotAllowed', 'A folder is in the way')
  if (!state.files.parentExists(path))
    return davError(409, 'Conflict', 'Parent folder does not exist')
  if (!state.files.fits(ctx.body.length, path))
    return davError(507, 'InsufficientStorage', 'Insufficient space in the target folder')
  const mismatch = checksumMismatch(header(ctx.req, 'oc-checksum'), ctx.body)
  if (mismatch) return mismatch
  const existed = state.files.file(path) !== undefined
  const mtimeGiven = header(ctx.req, 'x-oc-mtime')
  state.files.write(
    path,
    ctx.body,
    mtimeHeader(mtimeGiven, state.now()),
    header(ctx.req, 'oc-checksum')?.trim(),
  )
  return stored(state, path, existed ? 204 : 201, mtimeGiven !== undefined)
}

/** The headers Nextcloud answers a write with. */
export function stored(
  state: EmulatorState,
  path: string,
  status: number,
  mtimeAccepted: boolean,
): Reply {
  const file = state.files.file(path)!
  const headers: Record<string, string> = {
    etag: `"${file.etag}"`,
    'oc-etag': `"${file.etag}"`,
    'oc-fileid': String(file.fileId).padStart(8, '0'),
  }
  if (mtimeAccepted) headers['x-oc-mtime'] = 'accepted'
  return { status, headers }
}

function mkcol(state: EmulatorState, ctx: RouteContext, path: string): Reply {
  if (ctx.body.length > 0)
    return davError(415, 'UnsupportedMediaType', 'MKCOL with a body is not supported')
  if (state.files.exists(path))
    return davError(405, 'MethodNotAllowed', 'The resource you tried to create already exists')
  if (!state.files.parentExists(path))
    return davError(409, 'Conflict', 'Parent node does not exist')
  state.files.mkcol(path)
  return { status: 201 }
}

function get(state: EmulatorState, ctx: RouteContext, path: string): Reply {
  const file = state.files.file(path)
  if (!file) return davError(404, 'NotFound', `File with name ${path} could not be located`)
  const range = /^bytes=(\d*)-(\d*)$/.exec(header(ctx.req, 'range') ?? '')
  const base = {
    'content-type': 'application/octet-stream',
    etag: `"${file.etag}"`,
    'accept-ranges': 'bytes',
  }
  if (!header(ctx.req, 'range')) return { status: 200, headers: base, body: file.data }
  const size = file.data.length
  let start = range?.[1] ? Number(range[1]) : undefined
  let end = range?.[2] ? Number(range[2]) : undefined
  if (start === undefined && end !== undefined) {
    start = Math.max(0, size - end)
    end = size - 1
  }
  start ??= 0
  end = Math.min(end ?? size - 1, size - 1)
  if (!range || start >= size || start > end)
    return { status: 416, headers: { 'content-range': `bytes */${size}` } }
  return {
    status: 206,
    headers: { ...base, 'content-range': `bytes ${start}-${end}/${size}` },
    body: file.data.subarray(start, end + 1),
  }
}

function remove(state: EmulatorState, path: string): Reply {
  if (path === '/') return davError(403, 'Forbidden', 'The root folder cannot be deleted')
  if (!state.files.exists(path))
    return davError(404, 'NotFound', `File with name ${path} could not be located`)
  state.files.remove(path)
  return { status: 204 }
}

function move(state: EmulatorState, ctx: RouteContext, path: string): Reply {
  const target = pathUnder(
    filesRoot(state.accounts.user.id),
    destinationPath(header(ctx.req, 'destination')) ?? '',
  )
  if (target === undefined)
    return davError(
      400,
      'BadRequest',
      "The Destination header is missing or not in this user's files",
    )
  if (!state.files.exists(path))
    return davError(404, 'NotFound', `File with name ${path} could not be located`)
  if (!state.files.isFolder(parentOf(target)))
    return davError(409, 'Conflict', 'The destination parent does not exist')
  const existed = state.files.exists(target)
  if (existed && header(ctx.req, 'overwrite')?.toUpperCase() === 'F')
    return davError(
      412,
      'PreconditionFailed',
      'The destination node already exists, and the overwrite header is set to false',
    )
  if (existed) state.files.remove(target)
  state.files.move(path, target)
  return { status: existed ? 204 : 201 }
}

/** WebDAV on the user's files: PROPFIND, PUT, MKCOL, GET (with Range), DELETE, MOVE. */
export function filesRoute(state: EmulatorState, ctx: RouteContext): Reply {
  const path = pathUnder(filesRoot(state.accounts.user.id), ctx.url.pathname)
  if (path === undefined) return davError(404, 'NotFound', 'Principal not found or not allowed')
  switch (ctx.req.method) {
    case 'PROPFIND':
      return propfind(state, ctx, path)
    case 'PUT':
      return put(state, ctx, path)
    case 'MKCOL':
      return mkcol(state, ctx, path)
    case 'GET':
      return get(state, ctx, path)
    case 'DELETE':
      return remove(state, path)
    case 'MOVE':
      return move(state, ctx, path)
    default:
      return davError(501, 'NotImplemented', `${ctx.req.method} is not emulated`)
  }
}
