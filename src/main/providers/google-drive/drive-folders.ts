import type { ConnectionConfig } from '../provider.ts'
import { quoted, type DriveApi } from './drive-api.ts'

export const FOLDER_MIME = 'application/vnd.google-apps.folder'
/** Marks the folders this app made, so the target is found again after the user moved it. */
const MARK = { key: 'fermentrackBackup', value: 'folder' }

/** What the connection remembers of its target folder (the first segment of Default Target). */
export interface TargetMemory {
  folderId: string
  folderName: string
}

export function targetMemory(config: ConnectionConfig): TargetMemory | undefined {
  const { folderId, folderName } = config
  return typeof folderId === 'string' && typeof folderName === 'string'
    ? { folderId, folderName }
    : undefined
}

export function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean)
}

/**
 * Absolute paths ("/Fermentrack Backups/brewhouse") to Drive folder ids. Drive has ids, not
 * paths, and allows two folders of one name, so: the top folder is the remembered id while it
 * exists, else one of ours found by name and appProperties wherever the user moved it, else a
 * new one in My Drive; below it, by name within the parent.
 */
export class DriveFolders {
  private readonly api: DriveApi
  private readonly memory: TargetMemory | undefined
  private readonly known = new Map<string, string>([['', 'root']])

  constructor(api: DriveApi, memory: TargetMemory | undefined) {
    this.api = api
    this.memory = memory
  }

  /** The folder's id, made (with its parents) if missing; or null if missing and not to make. */
  async find(path: string, make: boolean, signal?: AbortSignal): Promise<string | null> {
    const segments = segmentsOf(path)
    let parent = 'root'
    for (let i = 0; i < segments.length; i++) {
      const key = segments.slice(0, i + 1).join('/')
      const cached = this.known.get(key)
      if (cached) {
        parent = cached
        continue
      }
      const name = segments[i]!
      const found = i === 0 ? await this.top(name, signal) : await this.child(parent, name, signal)
      const id = found ?? (make ? await this.make(parent, name, signal) : null)
      if (!id) return null
      this.known.set(key, id)
      parent = id
    }
    return parent
  }

  private async top(name: string, signal?: AbortSignal): Promise<string | null> {
    if (this.memory?.folderName === name) {
      const response = await this.api.send({
        method: 'GET',
        url: `/drive/v3/files/${encodeURIComponent(this.memory.folderId)}`,
        query: { fields: 'id,trashed' },
        accept: [404],
        what: `the folder "${name}"`,
        signal,
      })
      const file = response.ok ? ((await response.json()) as { trashed?: boolean }) : null
      if (!response.ok) await response.body?.cancel()
      if (file && !file.trashed) return this.memory.folderId
    }
    return this.first(
      `name = ${quoted(name)} and mimeType = '${FOLDER_MIME}' and trashed = false and appProperties has { key=${quoted(MARK.key)} and value=${quoted(MARK.value)} }`,
      name,
      signal,
    )
  }

  private child(parent: string, name: string, signal?: AbortSignal): Promise<string | null> {
    return this.first(
      `name = ${quoted(name)} and ${quoted(parent)} in parents and mimeType = '${FOLDER_MIME}' and trashed = false`,
      name,
      signal,
    )
  }

  private async first(q: string, name: string, signal?: AbortSignal): Promise<string | null> {
    const list = await this.api.json<{ files: Array<{ id: string }> }>({
      method: 'GET',
      url: '/drive/v3/files',
      query: { q, fields: 'files(id)', pageSize: '10', orderBy: 'createdTime' },
      what: `the folder "${name}"`,
      signal,
    })
    return list.files[0]?.id ?? null
  }

  private async make(parent: string, name: string, signal?: AbortSignal): Promise<string> {
    const made = await this.api.json<{ id: string }>({
      method: 'POST',
      url: '/drive/v3/files',
      query: { fields: 'id' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        mimeType: FOLDER_MIME,
        parents: [parent],
        appProperties: { [MARK.key]: MARK.value },
      }),
      what: `the new folder "${name}"`,
      signal,
    })
    return made.id
  }
}
