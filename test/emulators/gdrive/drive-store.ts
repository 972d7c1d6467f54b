import { createHash, randomBytes } from 'node:crypto'
import { matches, type Clause } from './drive-query.ts'

export const FOLDER_MIME = 'application/vnd.google-apps.folder'

/** One file or folder in the emulated My Drive. */
export interface DriveFile {
  id: string
  name: string
  mimeType: string
  parents: string[]
  trashed: boolean
  appProperties: Record<string, string>
  /** The OAuth client that created it: with drive.file, only that client sees it. */
  createdBy: string
  content: Buffer | null
  createdTime: string
  modifiedTime: string
  /**
   * Only md5Checksum is reported (no sha1/sha256Checksum): the SHA checksums came to Drive's
   * file resource later than MD5, so a file stored before then may lack them. Set by tests.
   */
  md5Only?: boolean
}

export function newId(): string {
  return randomBytes(16).toString('base64url').slice(0, 28)
}

/** My Drive: its root, the files in it, and the account's quota. */
export class DriveStore {
  readonly rootId = `0A${newId().slice(0, 17)}Uk9PVA`
  readonly files = new Map<string, DriveFile>()
  quotaBytes: number

  constructor(quotaBytes: number) {
    this.quotaBytes = quotaBytes
  }

  /** "root" is Drive's alias for the root folder, in parents and in queries alike. */
  resolveId(id: string): string {
    return id === 'root' ? this.rootId : id
  }

  usedBytes(): number {
    let used = 0
    for (const file of this.files.values()) used += file.content?.length ?? 0
    return used
  }

  /** The file as `client` may see it: drive.file shows only what that client created. */
  visible(id: string, client: string): DriveFile | undefined {
    const file = this.files.get(this.resolveId(id))
    return file && file.createdBy === client ? file : undefined
  }

  isFolderFor(id: string, client: string): boolean {
    const resolved = this.resolveId(id)
    if (resolved === this.rootId) return true
    return this.visible(resolved, client)?.mimeType === FOLDER_MIME
  }

  search(clauses: readonly Clause[], client: string): DriveFile[] {
    const resolved = clauses.map((c) =>
      c.kind === 'parent' ? { ...c, id: this.resolveId(c.id) } : c,
    )
    return [...this.files.values()]
      .filter((f) => f.createdBy === client && matches(f, resolved))
      .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id))
  }

  create(
    meta: {
      name: string
      mimeType: string
      parents: string[]
      appProperties: Record<string, string>
    },
    client: string,
    content: Buffer | null,
  ): DriveFile {
    const now = new Date().toISOString()
    const file: DriveFile = {
      id: newId(),
      ...meta,
      parents: meta.parents.map((p) => this.resolveId(p)),
      trashed: false,
      createdBy: client,
      content,
      createdTime: now,
      modifiedTime: now,
    }
    this.files.set(file.id, file)
    return file
  }

  /** Deletes for good (not to the trash), a folder with all it holds, as files.delete does. */
  delete(id: string): void {
    this.files.delete(id)
    for (const child of [...this.files.values()])
      if (child.parents.includes(id)) this.delete(child.id)
  }

  /** The file at "/A/b.tar.xz", by names from the root, whoever created it (for tests). */
  at(path: string): DriveFile | undefined {
    let parent = this.rootId
    let found: DriveFile | undefined
    for (const name of path.split('/').filter(Boolean)) {
      found = [...this.files.values()].find(
        (f) => f.name === name && f.parents.includes(parent) && !f.trashed,
      )
      if (!found) return undefined
      parent = found.id
    }
    return found
  }
}

/** The file resource with every field Drive has for it; `fields` then picks what is sent. */
export function resource(file: DriveFile): Record<string, unknown> {
  const content = file.content
  return {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    parents: file.parents,
    trashed: file.trashed,
    appProperties: file.appProperties,
    createdTime: file.createdTime,
    modifiedTime: file.modifiedTime,
    // int64 values travel as strings in Drive's JSON.
    ...(content && {
      size: String(content.length),
      md5Checksum: createHash('md5').update(content).digest('hex'),
      ...(!file.md5Only && {
        sha1Checksum: createHash('sha1').update(content).digest('hex'),
        sha256Checksum: createHash('sha256').update(content).digest('hex'),
      }),
    }),
  }
}
