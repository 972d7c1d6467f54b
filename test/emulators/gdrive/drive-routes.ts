import { parseQuery, QueryError } from './drive-query.ts'
import { FOLDER_MIME, resource, type DriveStore } from './drive-store.ts'
import { parseFields, project } from './fields.ts'
import { badRequest, driveError, json, notFound, type Reply } from './google-error.ts'
import { fileReply, type Uploads } from './uploads.ts'

export interface DriveRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** The OAuth client behind the bearer token: drive.file shows it only its own files. */
  client: string
  origin: string
}

export interface Account {
  displayName: string
  emailAddress: string
}

const MAX_PAGE = 1000

/** Drive v3: files.list/create/get/delete, alt=media with Range, about.get, and uploads. */
export function driveRoute(
  request: DriveRequest,
  store: DriveStore,
  uploads: Uploads,
  account: Account,
): Reply {
  const { method, path, query } = request
  const fields = query.get('fields')
  if (path === '/drive/v3/about' && method === 'GET') return about(store, account, fields)
  if (path === '/drive/v3/files' && method === 'GET') return list(request, store)
  if (path === '/drive/v3/files' && method === 'POST') {
    const meta = uploads.meta(parseJson(request.body), request.client)
    if ('status' in meta) return meta
    return fileReply(
      200,
      store.create(meta, request.client, meta.mimeType === FOLDER_MIME ? null : Buffer.alloc(0)),
      fields,
    )
  }
  const one = /^\/drive\/v3\/files\/([^/]+)$/.exec(path)
  if (one) {
    const file = store.visible(decodeURIComponent(one[1]!), request.client)
    if (!file) return notFound(one[1]!)
    if (method === 'DELETE') {
      store.delete(file.id)
      return { status: 204, body: '' }
    }
    if (method !== 'GET') return driveError(405, 'methodNotAllowed', 'Method not allowed.')
    if (query.get('alt') === 'media')
      return media(file.content, file.mimeType, request.headers.range)
    return fileReply(200, file, fields)
  }
  if (path === '/upload/drive/v3/files') return upload(request, uploads, fields)
  return driveError(404, 'notFound', `Not found: ${path}`)
}

function upload(request: DriveRequest, uploads: Uploads, fields: string | null): Reply {
  const { method, query, headers } = request
  const type = query.get('uploadType')
  const uploadId = query.get('upload_id')
  if (method === 'PUT' && type === 'resumable' && uploadId)
    return uploads.put(uploadId, header(headers['content-range']), request.body)
  if (method !== 'POST') return driveError(405, 'methodNotAllowed', 'Method not allowed.')
  if (type === 'multipart')
    return uploads.multipart(
      header(headers['content-type']) ?? '',
      request.body,
      request.client,
      fields,
    )
  if (type === 'resumable') {
    const meta = uploads.meta(parseJson(request.body), request.client)
    if ('status' in meta) return meta
    return uploads.start(
      meta,
      header(headers['x-upload-content-length']),
      request.client,
      fields,
      request.origin,
    )
  }
  return badRequest(`Invalid uploadType: ${type ?? ''}`)
}

function list(request: DriveRequest, store: DriveStore): Reply {
  const { query } = request
  let clauses
  try {
    clauses = parseQuery(query.get('q') ?? 'trashed = false')
  } catch (error) {
    if (error instanceof QueryError) return driveError(400, 'invalid', 'Invalid Value', 'global')
    throw error
  }
  const pageSize = Number(query.get('pageSize') ?? 100)
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE)
    return badRequest(`Invalid pageSize: ${query.get('pageSize')}`)
  const found = store.search(clauses, request.client)
  const start = Number(query.get('pageToken') ?? 0)
  if (!Number.isInteger(start) || start < 0 || start > found.length)
    return badRequest('Invalid pageToken.')
  const page = found.slice(start, start + pageSize)
  const next = start + pageSize < found.length ? String(start + pageSize) : undefined
  const value = {
    kind: 'drive#fileList',
    incompleteSearch: false,
    ...(next && { nextPageToken: next }),
    files: page.map(resource),
  }
  const fields = query.get('fields')
  const picked = fields
    ? project(value, parseFields(fields))
    : {
        ...value,
        files: page.map((f) => ({
          kind: 'drive#file',
          id: f.id,
          name: f.name,
          mimeType: f.mimeType,
        })),
      }
  return json(200, picked)
}

function about(store: DriveStore, account: Account, fields: string | null): Reply {
  // Drive requires a field selection for about.get.
  if (!fields)
    return driveError(400, 'required', "The 'fields' parameter is required for this method.")
  const used = store.usedBytes()
  const value = {
    kind: 'drive#about',
    user: {
      kind: 'drive#user',
      displayName: account.displayName,
      emailAddress: account.emailAddress,
      permissionId: '01234567890123456789',
      me: true,
    },
    storageQuota: {
      limit: String(store.quotaBytes),
      usage: String(used),
      usageInDrive: String(used),
      usageInDriveTrash: '0',
    },
  }
  return json(200, project(value, parseFields(fields)))
}

function media(
  content: Buffer | null,
  mimeType: string,
  rangeHeader: string | string[] | undefined,
): Reply {
  if (content === null)
    return driveError(
      403,
      'fileNotDownloadable',
      'Only files with binary content can be downloaded.',
    )
  const range = header(rangeHeader)
  if (range === undefined)
    return { status: 200, headers: { 'content-type': mimeType }, body: content }
  const m = /^bytes=(\d+)-(\d*)$/.exec(range)
  if (!m) return { status: 200, headers: { 'content-type': mimeType }, body: content }
  const first = Number(m[1])
  const last = m[2] ? Math.min(Number(m[2]), content.length - 1) : content.length - 1
  if (first >= content.length)
    return { status: 416, headers: { 'content-range': `bytes */${content.length}` }, body: '' }
  return {
    status: 206,
    headers: {
      'content-type': mimeType,
      'content-range': `bytes ${first}-${last}/${content.length}`,
    },
    body: content.subarray(first, last + 1),
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {}
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
}
