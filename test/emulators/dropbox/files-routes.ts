import { ArgError, type Fields } from './arg-reader.ts'
import { PATH_R_OR_ID, READ_PATH, WRITE_PATH_OR_ID, parsePath } from './dropbox-path.ts'
import { publicMetadata } from './file-store.ts'
import { DEFAULT_LIST_LIMIT } from './list-cursors.ts'
import { badInput, endpointError, jsonReply, type Reply } from './reply.ts'
import type { EmulatorState, RouteContext, RouteHandler } from './route-context.ts'
import { isReply, parseArg, rpcArgs } from './route-args.ts'
import type { StoredFile, FolderMetadata } from './types.ts'

type Entry = StoredFile | FolderMetadata
export type Lookup = { entry: Entry } | { error: 'malformed_path' | 'not_found'; lower?: string }

/** Resolves '/…', 'id:…' and 'rev:…' (ReadPath); ns: paths are not emulated. */
export function lookup(state: EmulatorState, path: string): Lookup {
  if (path.startsWith('id:')) {
    const entry = state.files.lookupId(path)
    return entry ? { entry } : { error: 'not_found' }
  }
  if (path.startsWith('rev:')) {
    const entry = state.files.lookupRev(path.slice(4))
    return entry ? { entry } : { error: 'not_found' }
  }
  const parsed = parsePath(path)
  // A name Dropbox would refuse to store simply is not there.
  if (parsed === 'disallowed_name') return { error: 'not_found' }
  if (parsed === 'malformed_path') return { error: 'malformed_path' }
  const entry = state.files.lookup(parsed.lower)
  return entry ? { entry } : { error: 'not_found', lower: parsed.lower }
}

export function readPathArg(
  ctx: RouteContext,
  where: string,
  fields: Fields,
  key: string,
  pattern: RegExp,
): string | Reply {
  const value = parseArg(ctx, where, () => fields.str(key, { required: true, pattern }) ?? '')
  if (isReply(value)) return value
  if (value.startsWith('ns:')) {
    return badInput(ctx.route, `${where}: ns: paths are not supported by the emulator`)
  }
  return value
}

// Accepted and type-checked; the emulator has no media info or sharing to report.
const GET_METADATA_FLAGS = ['include_media_info', 'include_has_explicit_shared_members']
const GET_METADATA_FIELDS = [
  'path',
  'include_deleted',
  'include_property_groups',
  ...GET_METADATA_FLAGS,
]

/** files/get_metadata; the root is unsupported (files.stone), and '' fails the ReadPath pattern. */
export const getMetadataRoute: RouteHandler = async (state, ctx) => {
  const args = await rpcArgs(state, ctx, 'files.metadata.read', GET_METADATA_FIELDS)
  if (isReply(args)) return args
  const path = readPathArg(ctx, args.where, args.fields, 'path', READ_PATH)
  if (isReply(path)) return path
  const flags = parseArg(ctx, args.where, () => {
    for (const key of GET_METADATA_FLAGS) args.fields.bool(key)
    if (args.fields.raw('include_property_groups') != null) {
      throw new ArgError('include_property_groups: not supported by the emulator')
    }
    return { includeDeleted: args.fields.bool('include_deleted') ?? false }
  })
  if (isReply(flags)) return flags
  const found = lookup(state, path)
  if ('entry' in found) return jsonReply(200, publicMetadata(found.entry))
  const deleted = found.lower === undefined ? undefined : state.files.deletedAt(found.lower)
  if (flags.includeDeleted && deleted) return jsonReply(200, deleted)
  return endpointError({ '.tag': 'path', path: { '.tag': found.error } })
}

// Accepted and type-checked only. include_deleted is not emulated in listings.
const LIST_FLAGS = [
  'include_media_info',
  'include_deleted',
  'include_has_explicit_shared_members',
  'include_mounted_folders',
  'include_non_downloadable_files',
]
const LIST_FIELDS = [
  'path',
  'recursive',
  'limit',
  'shared_link',
  'include_property_groups',
  ...LIST_FLAGS,
]

/** files/list_folder: the root is "" — "/" is a 400, which is why rclone rewrites it. */
export const listFolderRoute: RouteHandler = async (state, ctx) => {
  const args = await rpcArgs(state, ctx, 'files.metadata.read', LIST_FIELDS)
  if (isReply(args)) return args
  const path = readPathArg(ctx, args.where, args.fields, 'path', PATH_R_OR_ID)
  if (isReply(path)) return path
  const options = parseArg(ctx, args.where, () => {
    for (const key of LIST_FLAGS) args.fields.bool(key)
    return {
      recursive: args.fields.bool('recursive') ?? false,
      limit: args.fields.uint('limit', { nullable: true, min: 1, max: 2000 }) ?? DEFAULT_LIST_LIMIT,
      unsupported:
        args.fields.raw('shared_link') != null ||
        args.fields.raw('include_property_groups') != null,
    }
  })
  if (isReply(options)) return options
  if (options.unsupported)
    return badInput(
      ctx.route,
      `${args.where}: shared_link and include_property_groups are not emulated`,
    )
  if (path === '/') {
    return badInput(
      ctx.route,
      `${args.where}: path: Specify the root folder as an empty string rather than as "/".`,
    )
  }
  let folderLower = ''
  if (path !== '') {
    const found = lookup(state, path)
    if (!('entry' in found)) return endpointError({ '.tag': 'path', path: { '.tag': found.error } })
    if (found.entry['.tag'] !== 'folder')
      return endpointError({ '.tag': 'path', path: { '.tag': 'not_folder' } })
    folderLower = found.entry.path_lower
  }
  return jsonReply(
    200,
    state.cursors.start(state.files.entries(folderLower, options.recursive), options.limit),
  )
}

/** files/list_folder/continue; a cursor never issued is reported as reset. */
export const listFolderContinueRoute: RouteHandler = async (state, ctx) => {
  const args = await rpcArgs(state, ctx, 'files.metadata.read', ['cursor'])
  if (isReply(args)) return args
  const cursor = parseArg(
    ctx,
    args.where,
    () => args.fields.str('cursor', { required: true, minLength: 1 }) ?? '',
  )
  if (isReply(cursor)) return cursor
  const page = state.cursors.continue(cursor)
  return page ? jsonReply(200, page) : endpointError({ '.tag': 'reset' })
}

/** files/delete_v2 → {metadata}; a folder goes with its contents. */
export const deleteRoute: RouteHandler = async (state, ctx) => {
  const args = await rpcArgs(state, ctx, 'files.content.write', ['path', 'parent_rev'])
  if (isReply(args)) return args
  const path = readPathArg(ctx, args.where, args.fields, 'path', WRITE_PATH_OR_ID)
  if (isReply(path)) return path
  const parentRev = parseArg(ctx, args.where, () =>
    args.fields.str('parent_rev', { nullable: true, minLength: 9, pattern: /^[0-9a-f]+$/ }),
  )
  if (isReply(parentRev)) return parentRev
  if (ctx.commitFault) return endpointError({ '.tag': 'too_many_write_operations' })
  const found = lookup(state, path)
  if (!('entry' in found))
    return endpointError({ '.tag': 'path_lookup', path_lookup: { '.tag': found.error } })
  if (parentRev !== undefined) {
    if (found.entry['.tag'] !== 'file') {
      return endpointError({ '.tag': 'path_lookup', path_lookup: { '.tag': 'not_file' } })
    }
    if (found.entry.rev !== parentRev) {
      return endpointError({
        '.tag': 'path_write',
        path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
      })
    }
  }
  const metadata = await state.files.delete(found.entry.path_lower)
  return jsonReply(200, { metadata })
}
