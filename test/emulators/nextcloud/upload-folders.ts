/** Nextcloud deletes an upload folder after 24 hours without activity (chunking.rst). */
export const UPLOAD_IDLE_MS = 24 * 60 * 60 * 1000

export interface UploadFolder {
  /** The DAV path every request of this upload must name in Destination. */
  destination: string
  chunks: Map<number, Buffer>
  lastActivity: number
}

/** Chunked upload v2 folders, by upload id; an idle one expires as Nextcloud's cleanup job would. */
export class UploadFolders {
  private readonly folders = new Map<string, UploadFolder>()

  private readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  /** The live folder (its idle clock restarted), or undefined if missing or expired. */
  touch(id: string): UploadFolder | undefined {
    const folder = this.folders.get(id)
    if (!folder) return undefined
    if (this.now() - folder.lastActivity > UPLOAD_IDLE_MS) {
      this.folders.delete(id)
      return undefined
    }
    folder.lastActivity = this.now()
    return folder
  }

  create(id: string, destination: string): void {
    this.folders.set(id, { destination, chunks: new Map(), lastActivity: this.now() })
  }

  delete(id: string): boolean {
    return this.folders.delete(id)
  }

  /** Test hook: as if every folder had been idle for longer than the limit. */
  expireAll(): void {
    for (const folder of this.folders.values())
      folder.lastActivity = this.now() - UPLOAD_IDLE_MS - 1
  }

  list(): Array<{ id: string; chunks: number[] }> {
    return [...this.folders].map(([id, f]) => ({
      id,
      chunks: [...f.chunks.keys()].sort((a, b) => a - b),
    }))
  }
}
