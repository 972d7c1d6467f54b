import { ArgError, Fields } from './arg-reader.ts'
import { authenticate } from './bearer-auth.ts'
import { badInput, type Reply } from './reply.ts'
import {
  BODY_WHERE,
  checkOctetStream,
  HEADER_WHERE,
  readHeaderArg,
  readJsonArg,
} from './request-args.ts'
import type { EmulatorState, RouteContext } from './route-context.ts'

/** Runs a Stone argument reader, turning ArgError into Dropbox's 400 text. */
export function parseArg<T>(ctx: RouteContext, where: string, read: () => T): T | Reply {
  try {
    return read()
  } catch (error) {
    if (error instanceof ArgError) return badInput(ctx.route, `${where}: ${error.message}`)
    throw error
  }
}

export function isReply(value: unknown): value is Reply {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    'headers' in value &&
    'body' in value
  )
}

export interface RouteArgs {
  fields: Fields
  where: string
}

/** Content-upload prologue: octet-stream body, bearer auth + scope, Dropbox-API-Arg struct. */
export function contentArgs(
  state: EmulatorState,
  ctx: RouteContext,
  allowed: readonly string[],
): RouteArgs | Reply {
  const badType = checkOctetStream(ctx)
  if (badType) return badType
  const denied = authenticate(state, ctx, 'files.content.write')
  if (denied) return denied
  const arg = readHeaderArg(ctx)
  if (!arg.ok) return arg.reply
  // Session requests only: the cursor and close of each is what session tests look at.
  if (ctx.route.startsWith('files/upload_session/')) ctx.record.arg = arg.value
  const fields = parseArg(ctx, HEADER_WHERE, () => new Fields(arg.value, allowed))
  return isReply(fields) ? fields : { fields, where: HEADER_WHERE }
}

/** RPC prologue: bearer auth + scope, JSON body struct. */
export async function rpcArgs(
  state: EmulatorState,
  ctx: RouteContext,
  scope: string,
  allowed: readonly string[],
): Promise<RouteArgs | Reply> {
  const denied = authenticate(state, ctx, scope)
  if (denied) return denied
  const arg = await readJsonArg(ctx)
  if (!arg.ok) return arg.reply
  const fields = parseArg(ctx, BODY_WHERE, () => new Fields(arg.value, allowed))
  return isReply(fields) ? fields : { fields, where: BODY_WHERE }
}

/** Sha256HexHash: String(min_length=64, max_length=64) (files.stone). */
export function readContentHash(fields: Fields): string | undefined {
  return fields.str('content_hash', { nullable: true, minLength: 64, maxLength: 64 })
}

/** The emulator only models app-folder paths; id:/ns: write targets are not implemented. */
export function unsupportedTarget(
  ctx: RouteContext,
  where: string,
  path: string,
): Reply | undefined {
  if (path.startsWith('/')) return undefined
  return badInput(ctx.route, `${where}: the emulator supports only '/…' paths here, got '${path}'`)
}
