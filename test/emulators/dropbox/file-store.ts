import { randomBytes } from 'node:crypto'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { CommitFault } from './faults.ts'
import type { CommitInfo } from './commit-info.ts'
import { dropboxTimestamp } from './commit-info.ts'
import {
  conflictedName,
  fromParts,
  numberedName,
  parentParts,
  parsePath,
  type DropboxPath,
} from './dropbox-path.ts'
import type { FileMetadata, FolderMetadata, StoredFile } from './types.ts'

/** Bytes waiting to be committed: an upload session's data file. */
export interface Blob {
  localPath: string
  size: number
  contentHash: string
}

/** files.stone WriteError, as JSON. */
export type WriteError = Record<string, unknown> & { '.tag': string }

export type CommitResult =
  { ok: true; metadata: FileMetadata; written: boolean } | { ok: false; error: WriteError }

export interface DeletedMetadata {
  '.tag': 'deleted'
  name: string
  path_lower: string
  path_display: string
}

type Entry = StoredFile | FolderMetadata

function conflict(kind: 'file' | 'folder' | 'file_ancestor'): WriteError {
  return { '.tag': 'conflict', conflict: { '.tag': kind } }
}

function parentOf(lower: string): string {
  return lower.slice(0, lower.lastIndexOf('/'))
}

export function publicMetadata(entry: Entry): FileMetadata | FolderMetadata {
  if (entry['.tag'] === 'folder') return { ...entry }
  const metadata: Partial<StoredFile> = { ...entry }
  delete metadata.localPath
  return metadata as FileMetadata
}

/** The namespace: files and folders keyed by path_lower, with bytes on disk. */
export class FileStore {
  /** The allocation; a test may change it later, as a plan change would. */
  quotaBytes: number
  private readonly dir: string
  private readonly now: () => number
  private readonly files = new Map<string, StoredFile>()
  private readonly folders = new Map<string, FolderMetadata>()
  private readonly deleted = new Map<string, DeletedMetadata>()
  private revision = 0

  constructor(dir: string, quotaBytes: number, now: () => number) {
    this.dir = dir
    this.quotaBytes = quotaBytes
    this.now = now
  }

  usedBytes(): number {
    let used = 0
    for (const file of this.files.values()) used += file.size
    return used
  }

  snapshot(): Map<string, StoredFile> {
    return new Map([...this.files].map(([key, file]) => [key, { ...file }]))
  }

  lookup(lower: string): Entry | undefined {
    return this.files.get(lower) ?? this.folders.get(lower)
  }

  lookupId(id: string): Entry | undefined {
    return [...this.files.values(), ...this.folders.values()].find((entry) => entry.id === id)
  }

  lookupRev(rev: string): StoredFile | undefined {
    return [...this.files.values()].find((file) => file.rev === rev)
  }

  deletedAt(lower: string): DeletedMetadata | undefined {
    return this.deleted.get(lower)
  }

  /** Direct children of a folder ('' = root), or all descendants; sorted, parents first. */
  entries(folderLower: string, recursive: boolean): (FileMetadata | FolderMetadata)[] {
    const inside = (lower: string): boolean =>
      recursive ? lower.startsWith(`${folderLower}/`) : parentOf(lower) === folderLower
    return [...this.folders.values(), ...this.files.values()]
      .filter((entry) => inside(entry.path_lower))
      .sort((a, b) => (a.path_lower < b.path_lower ? -1 : a.path_lower > b.path_lower ? 1 : 0))
      .map(publicMetadata)
  }

  /** Commits a blob per files.stone WriteMode; on success with written=true the blob was moved. */
  async commit(
    blob: Blob,
    info: CommitInfo,
    fault: CommitFault | undefined,
  ): Promise<CommitResult> {
    if (fault) return { ok: false, error: { '.tag': fault.kind } }
    const path = parsePath(info.path)
    if (typeof path === 'string') return { ok: false, error: { '.tag': path } }
    const resolved = this.resolveAncestors(path)
    if (!resolved) return { ok: false, error: conflict('file_ancestor') }
    const decision = this.decide(resolved, blob, info)
    if ('error' in decision) return { ok: false, error: decision.error }
    if ('existing' in decision)
      return {
        ok: true,
        metadata: publicMetadata(decision.existing) as FileMetadata,
        written: false,
      }
    const replaced = this.files.get(decision.target.lower)
    if (this.usedBytes() - (replaced?.size ?? 0) + blob.size > this.quotaBytes) {
      return { ok: false, error: { '.tag': 'insufficient_space' } }
    }
    return {
      ok: true,
      metadata: await this.write(decision.target, blob, info, replaced),
      written: true,
    }
  }

  /** delete_v2: a folder goes with everything inside it. */
  async delete(lower: string): Promise<FileMetadata | FolderMetadata | undefined> {
    const entry = this.lookup(lower)
    if (!entry) return undefined
    const doomed = [entry, ...(entry['.tag'] === 'folder' ? this.descendants(lower) : [])]
    for (const item of doomed) {
      if (item['.tag'] === 'file') {
        this.files.delete(item.path_lower)
        await rm(item.localPath, { force: true })
      } else {
        this.folders.delete(item.path_lower)
      }
      const { name, path_lower, path_display } = item
      this.deleted.set(path_lower, { '.tag': 'deleted', name, path_lower, path_display })
    }
    return publicMetadata(entry)
  }

  private descendants(lower: string): Entry[] {
    const prefix = `${lower}/`
    return [...this.files.values(), ...this.folders.values()].filter((entry) =>
      entry.path_lower.startsWith(prefix),
    )
  }

  /** Existing folders keep their casing; a file where a folder is needed is a conflict. */
  private resolveAncestors(path: DropboxPath): DropboxPath | undefined {
    const parts: string[] = []
    for (const part of parentParts(path)) {
      const here = fromParts([...parts, part])
      if (this.files.has(here.lower)) return undefined
      parts.push(this.folders.get(here.lower)?.name ?? part)
    }
    return fromParts([...parts, path.name])
  }

  private decide(
    path: DropboxPath,
    blob: Blob,
    info: CommitInfo,
  ): { target: DropboxPath } | { existing: StoredFile } | { error: WriteError } {
    const existing = this.lookup(path.lower)
    let clash: WriteError | undefined
    if (existing === undefined) {
      // strict_conflict: update conflicts "even if the existing file has been deleted".
      if (info.mode.tag === 'update' && info.strictConflict) clash = conflict('file')
      else return { target: path }
    } else if (existing['.tag'] === 'folder') {
      clash = conflict('folder')
    } else if (existing.content_hash === blob.contentHash && !info.strictConflict) {
      // WriteMode rule (c): identical contents, nothing written, no conflict.
      return { existing }
    } else if (info.mode.tag === 'overwrite') {
      return { target: fromParts([...parentParts(path), existing.name]) }
    } else if (info.mode.tag === 'update' && info.mode.rev === existing.rev) {
      return { target: fromParts([...parentParts(path), existing.name]) }
    } else {
      clash = conflict('file')
    }
    if (!info.autorename) return { error: clash }
    return { target: this.freeName(path, info.mode.tag === 'update') }
  }

  private freeName(path: DropboxPath, update: boolean): DropboxPath {
    for (let n = update ? 1 : 2; ; n += 1) {
      const name = update ? conflictedName(path.name, n) : numberedName(path.name, n)
      const candidate = fromParts([...parentParts(path), name])
      if (!this.lookup(candidate.lower)) return candidate
    }
  }

  private async write(
    target: DropboxPath,
    blob: Blob,
    info: CommitInfo,
    replaced: StoredFile | undefined,
  ): Promise<FileMetadata> {
    this.ensureFolders(parentParts(target))
    const id = replaced?.id ?? `id:${randomBytes(12).toString('base64url')}`
    this.revision += 1
    const rev = `${randomBytes(2).toString('hex')}${this.revision.toString(16).padStart(10, '0')}`
    const localPath = join(this.dir, `${id.slice(3)}-${rev}`)
    await rename(blob.localPath, localPath)
    if (replaced) await rm(replaced.localPath, { force: true })
    const serverModified = dropboxTimestamp(this.now())
    const stored: StoredFile = {
      '.tag': 'file',
      id,
      name: target.name,
      path_lower: target.lower,
      path_display: target.display,
      rev,
      size: blob.size,
      client_modified: info.clientModified ?? serverModified,
      server_modified: serverModified,
      content_hash: blob.contentHash,
      is_downloadable: true,
      localPath,
    }
    this.files.set(target.lower, stored)
    this.deleted.delete(target.lower)
    return publicMetadata(stored) as FileMetadata
  }

  private ensureFolders(parts: string[]): void {
    for (let depth = 1; depth <= parts.length; depth += 1) {
      const folder = fromParts(parts.slice(0, depth))
      if (this.folders.has(folder.lower)) continue
      this.folders.set(folder.lower, {
        '.tag': 'folder',
        id: `id:${randomBytes(12).toString('base64url')}`,
        name: folder.name,
        path_lower: folder.lower,
        path_display: folder.display,
      })
      this.deleted.delete(folder.lower)
    }
  }
}
