import { randomBytes } from 'node:crypto'

export interface StoredFile {
  data: Buffer
  /** Seconds since the epoch, as X-OC-Mtime sets it. */
  mtime: number
  /** "SHA256:<hex>" when the client sent OC-Checksum; Nextcloud stores what was sent and checked. */
  checksum: string | undefined
  etag: string
  fileId: number
}

export interface Entry {
  path: string
  file: StoredFile | undefined
}

/** Unlimited quota, reported by Nextcloud as quota-available-bytes -3 (SPACE_UNLIMITED). */
export const SPACE_UNLIMITED = -3

/** The user's files, in memory: folders as paths, files with their bytes. Paths are "/a/b". */
export class FileTree {
  private readonly folders = new Set<string>(['/'])
  private readonly files = new Map<string, StoredFile>()
  private nextId = 100
  quota: number | undefined

  constructor(quota: number | undefined) {
    this.quota = quota
  }

  used(): number {
    let sum = 0
    for (const file of this.files.values()) sum += file.data.length
    return sum
  }

  available(): number {
    return this.quota === undefined ? SPACE_UNLIMITED : Math.max(0, this.quota - this.used())
  }

  /** Whether `bytes` more fit, given that a file at `replacing` (if any) goes away. */
  fits(bytes: number, replacing?: string): boolean {
    if (this.quota === undefined) return true
    const freed = replacing ? (this.files.get(replacing)?.data.length ?? 0) : 0
    return this.used() - freed + bytes <= this.quota
  }

  isFolder(path: string): boolean {
    return this.folders.has(path)
  }

  file(path: string): StoredFile | undefined {
    return this.files.get(path)
  }

  exists(path: string): boolean {
    return this.isFolder(path) || this.files.has(path)
  }

  parentExists(path: string): boolean {
    return this.isFolder(parentOf(path))
  }

  mkcol(path: string): void {
    this.folders.add(path)
  }

  write(path: string, data: Buffer, mtime: number, checksum: string | undefined): void {
    this.files.set(path, {
      data,
      mtime,
      checksum,
      etag: randomBytes(16).toString('hex'),
      fileId: this.nextId++,
    })
  }

  /** Removes a file, or a folder with everything in it. */
  remove(path: string): void {
    this.files.delete(path)
    for (const key of [...this.files.keys()]) if (key.startsWith(`${path}/`)) this.files.delete(key)
    for (const key of [...this.folders]) {
      if (key === path || key.startsWith(`${path}/`)) this.folders.delete(key)
    }
  }

  move(from: string, to: string): void {
    const file = this.files.get(from)
    if (file) {
      this.files.delete(from)
      this.files.set(to, file)
      return
    }
    const prefix = `${from}/`
    for (const key of [...this.folders]) {
      if (key === from || key.startsWith(prefix)) {
        this.folders.delete(key)
        this.folders.add(to + key.slice(from.length))
      }
    }
    for (const [key, value] of [...this.files]) {
      if (key.startsWith(prefix)) {
        this.files.delete(key)
        this.files.set(to + key.slice(from.length), value)
      }
    }
  }

  /** The folder itself, then (Depth 1) its direct children. */
  entries(path: string, depth: 0 | 1): Entry[] {
    const self: Entry = { path, file: this.files.get(path) }
    if (depth === 0 || !this.isFolder(path)) return [self]
    const children: Entry[] = []
    for (const folder of this.folders) {
      if (folder !== '/' && parentOf(folder) === path)
        children.push({ path: folder, file: undefined })
    }
    for (const [key, file] of this.files)
      if (parentOf(key) === path) children.push({ path: key, file })
    return [self, ...children.sort((a, b) => a.path.localeCompare(b.path))]
  }

  filePaths(): string[] {
    return [...this.files.keys()].sort()
  }
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}
