import { checksumMismatch } from './checksum-header.ts'
import { destinationPath, filesRoot, pathUnder, uploadsRoot } from './dav-paths.ts'
import { mtimeHeader, stored } from './files-routes.ts'
import { davError, header, type Reply } from './http-io.ts'
import { encodePath, multistatus, requestedProps, type ResourceProps } from './multistatus.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'
import type { UploadFolder } from './upload-folders.ts'

/** Chunk names are numbers from 1 to 10000; each chunk but the last is 5 MiB or more. */
export const MAX_CHUNKS = 10_000
export const MIN_CHUNK_BYTES = 5 * 1024 * 1024

interface UploadRequest {
  id: string
  /** The chunk name, ".file", or undefined for the folder itself. */
  item: string | undefined
  destination: string
}

function notFound(id: string): Reply {
  return davError(404, 'NotFound', `Upload folder ${id} could not be located`)
}

/** The request's upload id and item, and its Destination, which chunking v2 needs on every request. */
function parse(state: EmulatorState, ctx: RouteContext): UploadRequest | Reply {
  const rest = pathUnder(uploadsRoot(state.accounts.user.id), ctx.url.pathname)
  const parts = rest?.split('/').filter(Boolean) ?? []
  if (parts.length < 1 || parts.length > 2)
    return davError(404, 'NotFound', 'Not an upload folder or chunk')
  const destination = pathUnder(
    filesRoot(state.accounts.user.id),
    destinationPath(header(ctx.req, 'destination')) ?? '',
  )
  if (destination === undefined || destination === '/')
    return davError(
      400,
      'BadRequest',
      'Chunked upload v2 needs a Destination header naming the target file on every request',
    )
  return { id: parts[0]!, item: parts[1], destination }
}

/** OC-Total-Length, when sent, lets the server refuse an upload that will not fit (507). */
function overQuota(
  state: EmulatorState,
  ctx: RouteContext,
  destination: string,
): Reply | undefined {
  const total = header(ctx.req, 'oc-total-length')
  if (total === undefined) return undefined
  if (!/^\d+$/.test(total)) return davError(400, 'BadRequest', 'OC-Total-Length is not a number')
  if (state.files.fits(Number(total), destination)) return undefined
  return davError(507, 'InsufficientStorage', 'Insufficient space in the target folder')
}

function mkcol(state: EmulatorState, ctx: RouteContext, up: UploadRequest): Reply {
  if (up.item !== undefined)
    return davError(409, 'Conflict', 'Upload folders are created one level below the user')
  if (state.uploads.touch(up.id))
    return davError(405, 'MethodNotAllowed', 'The resource you tried to create already exists')
  const full = overQuota(state, ctx, up.destination)
  if (full) return full
  state.uploads.create(up.id, up.destination)
  return { status: 201 }
}

function putChunk(
  state: EmulatorState,
  ctx: RouteContext,
  up: UploadRequest,
  folder: UploadFolder,
): Reply {
  const n = Number(up.item)
  if (!/^\d+$/.test(up.item ?? '') || n < 1 || n > MAX_CHUNKS)
    return davError(400, 'BadRequest', `Chunk names must be numbers from 1 to ${MAX_CHUNKS}`)
  const full = overQuota(state, ctx, up.destination)
  if (full) return full
  const existed = folder.chunks.has(n)
  folder.chunks.set(n, ctx.body)
  return { status: existed ? 204 : 201 }
}

function propfind(
  state: EmulatorState,
  ctx: RouteContext,
  up: UploadRequest,
  folder: UploadFolder,
): Reply {
  let props: string[]
  try {
    props = requestedProps(ctx.body.toString('utf8'))
  } catch {
    return davError(400, 'BadRequest', 'The request body is not a valid PROPFIND document')
  }
  const base = `${uploadsRoot(state.accounts.user.id)}/${encodePath(up.id)}`
  const resources: ResourceProps[] = [{ href: `${base}/`, isFolder: true }]
  if (header(ctx.req, 'depth') !== '0') {
    for (const [n, data] of [...folder.chunks].sort((a, b) => a[0] - b[0])) {
      resources.push({ href: `${base}/${n}`, isFolder: false, size: data.length })
    }
  }
  return {
    status: 207,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: multistatus(resources, props),
  }
}

/** MOVE .file: the chunks, in the order of their numbers, become the destination file. */
function assemble(
  state: EmulatorState,
  ctx: RouteContext,
  up: UploadRequest,
  folder: UploadFolder,
): Reply {
  const chunks = [...folder.chunks].sort((a, b) => a[0] - b[0]).map(([, data]) => data)
  if (chunks.slice(0, -1).some((c) => c.length < MIN_CHUNK_BYTES))
    return davError(400, 'BadRequest', 'Chunks must be at least 5 MiB, except the last one')
  const data = Buffer.concat(chunks)
  const total = header(ctx.req, 'oc-total-length')
  if (total !== undefined && Number(total) !== data.length)
    return davError(
      400,
      'BadRequest',
      `Expected a total length of ${total} bytes, but the chunks hold ${data.length}`,
    )
  if (!state.files.parentExists(up.destination))
    return davError(409, 'Conflict', 'The destination parent does not exist')
  if (state.files.isFolder(up.destination))
    return davError(409, 'Conflict', 'A folder is in the way')
  if (!state.files.fits(data.length, up.destination))
    return davError(507, 'InsufficientStorage', 'Insufficient space in the target folder')
  const mismatch = checksumMismatch(header(ctx.req, 'oc-checksum'), data)
  if (mismatch) return mismatch
  const existed = state.files.file(up.destination) !== undefined
  const mtimeGiven = header(ctx.req, 'x-oc-mtime')
  state.files.write(
    up.destination,
    data,
    mtimeHeader(mtimeGiven, state.now()),
    header(ctx.req, 'oc-checksum')?.trim(),
  )
  state.uploads.delete(up.id)
  return stored(state, up.destination, existed ? 204 : 201, mtimeGiven !== undefined)
}

/** Chunked upload v2 under /remote.php/dav/uploads/<user>/<id>. */
export function uploadsRoute(state: EmulatorState, ctx: RouteContext): Reply {
  const up = parse(state, ctx)
  if ('status' in up) return up
  if (ctx.req.method === 'MKCOL') return mkcol(state, ctx, up)
  const folder = state.uploads.touch(up.id)
  if (!folder) return notFound(up.id)
  if (folder.destination !== up.destination)
    return davError(
      400,
      'BadRequest',
      'The Destination header differs from the one this upload was started with',
    )
  switch (ctx.req.method) {
    case 'PUT':
      return putChunk(state, ctx, up, folder)
    case 'PROPFIND':
      return up.item === undefined
        ? propfind(state, ctx, up, folder)
        : davError(501, 'NotImplemented', 'PROPFIND on a chunk')
    case 'MOVE':
      return up.item === '.file'
        ? assemble(state, ctx, up, folder)
        : davError(400, 'BadRequest', 'Only .file can be moved')
    case 'DELETE':
      if (up.item !== undefined) return davError(501, 'NotImplemented', 'DELETE of a single chunk')
      state.uploads.delete(up.id)
      return { status: 204 }
    case 'GET':
      return davError(403, 'Forbidden', 'Chunks cannot be downloaded from the upload folder')
    default:
      return davError(501, 'NotImplemented', `${ctx.req.method} is not emulated`)
  }
}
