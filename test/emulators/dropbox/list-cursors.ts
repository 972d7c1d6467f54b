import { randomBytes } from 'node:crypto'
import type { DeletedMetadata } from './file-store.ts'
import type { FileMetadata, FolderMetadata } from './types.ts'

type Metadata = FileMetadata | FolderMetadata | DeletedMetadata

/** Dropbox gives no default page size; a modest one makes clients that ignore has_more fail. */
export const DEFAULT_LIST_LIMIT = 500

interface Position {
  entries: Metadata[]
  index: number
  limit: number
}

export interface ListPage {
  entries: Metadata[]
  cursor: string
  has_more: boolean
}

/**
 * list_folder paging over a snapshot taken by list_folder. Limitation: changes made after the
 * snapshot are not reported by list_folder/continue, unlike the real service.
 */
export class ListCursors {
  private readonly positions = new Map<string, Position>()

  start(entries: Metadata[], limit: number): ListPage {
    return this.page({ entries, index: 0, limit })
  }

  /** undefined when the cursor was never issued. */
  continue(cursor: string): ListPage | undefined {
    const position = this.positions.get(cursor)
    return position ? this.page(position) : undefined
  }

  private page(position: Position): ListPage {
    const end = Math.min(position.index + position.limit, position.entries.length)
    const cursor = randomBytes(24).toString('base64url')
    this.positions.set(cursor, { ...position, index: end })
    return {
      entries: position.entries.slice(position.index, end),
      cursor,
      has_more: end < position.entries.length,
    }
  }
}
