import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import { escapeLike } from './sql-like.ts'

/**
 * Retention's deletions, one row per deleted file, in the queue's database. Marking the upload
 * jobs alone left out every backup this app did not upload (copied by hand, by another tool, or
 * by an older install): those were deleted with only a log line to show for it. The table is
 * created by the queue's migration, so a queue.db of an earlier release gains it on first open.
 */
export const REMOVALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS removals (
  id INTEGER PRIMARY KEY,
  connection_id TEXT NOT NULL,
  folder TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  -- the policy that let it go, as "keepLast=3"
  rule TEXT NOT NULL,
  removed_at INTEGER NOT NULL,
  -- 1 when a done upload of this app left the file there (those jobs are marked pruned too)
  uploaded_by_us INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS removals_when ON removals(removed_at);
`

/** One file retention deleted at a destination. */
export interface Removal {
  id: number
  connectionId: string
  folder: string
  name: string
  /** Its path at the destination, as the provider port names it. */
  path: string
  rule: string
  removedAt: number
  uploadedByUs: boolean
}

export interface RemovalQuery {
  connectionId?: string
  /** Matches the file name or path, case-insensitively. */
  text?: string
  /** Only those this app did not upload (ours show on their upload jobs already). */
  foreignOnly?: boolean
  limit?: number
  offset?: number
}

/** How the history words a deletion: "pruned by keepLast=3; not uploaded by this app". */
export function removalText(removal: Pick<Removal, 'rule' | 'uploadedByUs'>): string {
  return `pruned by ${removal.rule}${removal.uploadedByUs ? '' : '; not uploaded by this app'}`
}

/** Writes one deletion; run inside the transaction that marks the jobs it pruned. */
export function recordRemoval(db: DatabaseSync, removal: Omit<Removal, 'id'>): void {
  db.prepare(
    `INSERT INTO removals (connection_id, folder, name, path, rule, removed_at, uploaded_by_us)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    removal.connectionId,
    removal.folder,
    removal.name,
    removal.path,
    removal.rule,
    removal.removedAt,
    removal.uploadedByUs ? 1 : 0,
  )
}

/** Deletions matching the query, newest first, and how many match in all. */
export function listRemovals(
  db: DatabaseSync,
  query: RemovalQuery,
): { removals: Removal[]; total: number } {
  const where: string[] = []
  const args: SQLInputValue[] = []
  if (query.connectionId) {
    where.push('connection_id = ?')
    args.push(query.connectionId)
  }
  if (query.text) {
    const like = `%${escapeLike(query.text)}%`
    where.push(`(name LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\')`)
    args.push(like, like)
  }
  if (query.foreignOnly) where.push('uploaded_by_us = 0')
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const counted = db.prepare(`SELECT COUNT(*) AS n FROM removals ${clause}`).get(...args)
  const rows = db
    .prepare(`SELECT * FROM removals ${clause} ORDER BY removed_at DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...args, query.limit ?? 50, query.offset ?? 0)
  return { removals: rows.map(toRemoval), total: Number(counted?.n ?? 0) }
}

function toRemoval(row: Record<string, SQLInputValue>): Removal {
  return {
    id: Number(row.id),
    connectionId: String(row.connection_id),
    folder: String(row.folder),
    name: String(row.name),
    path: String(row.path),
    rule: String(row.rule),
    removedAt: Number(row.removed_at),
    uploadedByUs: row.uploaded_by_us === 1,
  }
}
