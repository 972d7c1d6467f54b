import type { SourceFile } from '../../uploads/uploader.ts'
import { isTempFor } from './file-names.ts'

/** What a local copy persists between attempts (opaque to the queue). */
export interface LocalCopyResume {
  kind: 'local-copy'
  /** The temp file's name in the destination folder: a name, never a path. */
  temp: string
  /** Bytes of the temp file known to be on disk (fsynced): the copy continues here. */
  offset: number
  /** The file version those bytes are from. */
  size: number
  mtimeMs: number
}

/**
 * The saved copy if it can be continued: well-formed, naming one of our temp files for this
 * very source, and for this very file version. Anything else means starting over.
 */
export function usableCopyResume(value: unknown, file: SourceFile): LocalCopyResume | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const state = value as Partial<LocalCopyResume>
  if (state.kind !== 'local-copy' || typeof state.temp !== 'string') return undefined
  if (!isTempFor(state.temp, file)) return undefined
  if (state.size !== file.size || state.mtimeMs !== file.mtimeMs) return undefined
  const { offset } = state
  if (!Number.isSafeInteger(offset) || offset! < 0 || offset! > file.size) return undefined
  return state as LocalCopyResume
}
