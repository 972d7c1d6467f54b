import { createHash, randomBytes } from 'node:crypto'
import { quickXorOf } from './quick-xor.ts'

export type DriveType = 'personal' | 'business'

export interface DriveItem {
  id: string
  name: string
  /** Inside the app folder, "" for the folder itself, "/Fermentrack Backups/x.tar.xz" below. */
  path: string
  isFolder: boolean
  bytes: Buffer
  created: string
  modified: string
  eTag: string
}

/**
 * The app folder's items, held in memory. OneDrive compares names case-insensitively and keeps
 * their case, so items are keyed by the lower-cased path.
 */
export class DriveStore {
  private readonly items = new Map<string, DriveItem>()

  readonly appName: string
  readonly driveType: DriveType
  readonly driveId = randomBytes(8).toString('hex')

  /** Whether a personal drive's files report sha256Hash (else sha1Hash only). */
  private readonly personalSha256: boolean

  constructor(appName: string, driveType: DriveType, personalSha256 = true) {
    this.appName = appName
    this.driveType = driveType
    this.personalSha256 = personalSha256
    this.put({ path: '', name: appName, isFolder: true, bytes: Buffer.alloc(0) })
  }

  get(path: string): DriveItem | undefined {
    return this.items.get(key(path))
  }

  byId(id: string): DriveItem | undefined {
    return [...this.items.values()].find((item) => item.id === id)
  }

  children(path: string): DriveItem[] {
    const prefix = key(path)
    return [...this.items.values()]
      .filter((item) => item.path !== '' && key(parentOf(item.path)) === prefix)
      .sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Creates or replaces a file or folder at `path`, whose parent must exist. */
  put(entry: Pick<DriveItem, 'path' | 'name' | 'isFolder' | 'bytes'>): DriveItem {
    const now = new Date().toISOString()
    const existing = this.get(entry.path)
    const item: DriveItem = {
      ...entry,
      id: existing?.id ?? randomBytes(10).toString('hex').toUpperCase(),
      created: existing?.created ?? now,
      modified: now,
      eTag: `"{${randomBytes(8).toString('hex')}},1"`,
    }
    this.items.set(key(entry.path), item)
    return item
  }

  /** Removes the item and, for a folder, all beneath it. */
  remove(path: string): void {
    const prefix = key(path)
    for (const k of [...this.items.keys()])
      if (k === prefix || k.startsWith(`${prefix}/`)) this.items.delete(k)
  }

  usedBytes(): number {
    let used = 0
    for (const item of this.items.values()) used += item.bytes.length
    return used
  }

  /**
   * The hashes Graph reports: business drives quickXorHash only; personal sha1 and sha256, or
   * sha1 only where sha256 is not reported.
   */
  hashes(item: DriveItem): Record<string, string> {
    if (this.driveType === 'business') return { quickXorHash: quickXorOf(item.bytes) }
    const hex = (algorithm: string) =>
      createHash(algorithm).update(item.bytes).digest('hex').toUpperCase()
    return {
      sha1Hash: hex('sha1'),
      ...(this.personalSha256 && { sha256Hash: hex('sha256') }),
    }
  }
}

export function parentOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')))
}

function key(path: string): string {
  return path.toLowerCase()
}
