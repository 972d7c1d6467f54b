import { createFileFilter } from '../watch/file-filter.ts'
import type { RetentionPolicy } from '../../shared/settings-schema.ts'
import { backupTime, localDay, localIsoWeek, localMonth } from '../../shared/backup-stamp.ts'

/** One file listed at a destination, and whether the queue verified an upload of it. */
export interface ListedBackup {
  name: string
  /** Absolute remote path, as the provider lists it. */
  path: string
  /** ISO time, where the provider says. */
  modified: string | null
  isFolder?: boolean
  verified: boolean
}

export interface PlanInput {
  backups: readonly ListedBackup[]
  policy: RetentionPolicy
  /** The remote backups folder: only files directly inside it are candidates. */
  folder: string
  /** The settings' `patterns`: only matching names are candidates. */
  patterns: readonly string[]
  now: number
}

export interface PlannedBackup extends ListedBackup {
  /** Fermentrack's time in the name, else the modified time; null when neither parses. */
  time: number | null
}

export interface Kept {
  backup: PlannedBackup
  /** Every rule that keeps it: "keepLast", "keepDaily", "newest verified" … */
  reasons: string[]
}

export interface Removal {
  backup: PlannedBackup
  /** The policy that let it go, as "keepLast=3" or "keepLast=3, keepDaily=7". */
  rule: string
}

export interface RetentionPlan {
  /** Candidates that stay, newest first. */
  keep: Kept[]
  /** Candidates to delete, newest first. */
  remove: Removal[]
  /** Everything listed that is not a candidate (other names, folders, other places). */
  ignored: ListedBackup[]
}

const DAY_MS = 24 * 60 * 60 * 1000
const RULES = ['keepLast', 'keepDays', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const
type Rule = (typeof RULES)[number]

/** The policy's rules that are on, in a fixed order. */
export function activeRules(policy: RetentionPolicy): [Rule, number][] {
  return RULES.flatMap((rule) => {
    const value = policy[rule]
    return typeof value === 'number' ? [[rule, value] as [Rule, number]] : []
  })
}

export function describePolicy(policy: RetentionPolicy): string {
  const rules = activeRules(policy)
  return rules.length === 0 ? 'off' : rules.map(([rule, n]) => `${rule}=${n}`).join(', ')
}

/** The bucket each calendar rule counts in: one backup (the newest) per distinct value. */
const BUCKETS: Partial<Record<Rule, (time: number) => string>> = {
  keepDaily: localDay,
  keepWeekly: localIsoWeek,
  keepMonthly: localMonth,
}

function isCandidate(entry: ListedBackup, folder: string, patterns: readonly string[]): boolean {
  if (entry.isFolder) return false
  const parent = entry.path.slice(0, entry.path.lastIndexOf('/'))
  if (parent !== folder.replace(/\/$/, '') || entry.path.slice(parent.length + 1) !== entry.name)
    return false
  return createFileFilter('', { patterns }).isCandidate(entry.name)
}

/** Newest first; equal times by name, newest-looking first, so a plan never depends on list order. */
function newestFirst(a: PlannedBackup, b: PlannedBackup): number {
  return (b.time ?? 0) - (a.time ?? 0) || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)
}

/**
 * Which backups at one destination a policy keeps and which it removes. Pure: the caller lists
 * the destination and marks what the queue verified. Safety comes before the policy: the newest
 * verified backup stays, nothing goes unless a newer one was verified, and however old the
 * backups are, at least keepLast (or 1) stay.
 */
export function planRetention(input: PlanInput): RetentionPlan {
  const ignored: ListedBackup[] = []
  const dated: PlannedBackup[] = []
  const undated: PlannedBackup[] = []
  for (const entry of input.backups) {
    if (!isCandidate(entry, input.folder, input.patterns)) ignored.push(entry)
    else {
      const planned = { ...entry, time: backupTime(entry.name, entry.modified) }
      ;(planned.time === null ? undated : dated).push(planned)
    }
  }
  dated.sort(newestFirst)
  const reasons = new Map<PlannedBackup, string[]>(dated.map((b) => [b, []]))
  const rules = activeRules(input.policy)
  if (rules.length === 0) for (const b of dated) reasons.get(b)!.push('retention off')
  for (const [rule, n] of rules) applyRule(rule, n, dated, reasons, input.now)
  applySafety(dated, reasons, input.policy.keepLast ?? 1)

  const rule = describePolicy(input.policy)
  const keep: Kept[] = []
  const remove: Removal[] = []
  for (const backup of dated) {
    const why = reasons.get(backup)!
    if (why.length > 0) keep.push({ backup, reasons: why })
    else remove.push({ backup, rule })
  }
  // A backup with no time cannot be placed among the others: it is never removed.
  for (const backup of undated) keep.push({ backup, reasons: ['no date'] })
  return { keep, remove, ignored }
}

function applyRule(
  rule: Rule,
  n: number,
  dated: PlannedBackup[],
  reasons: Map<PlannedBackup, string[]>,
  now: number,
): void {
  if (rule === 'keepLast') {
    for (const b of dated.slice(0, n)) reasons.get(b)!.push(rule)
    return
  }
  if (rule === 'keepDays') {
    for (const b of dated) if (b.time! >= now - n * DAY_MS) reasons.get(b)!.push(rule)
    return
  }
  // As restic's forget counts: walking newest first, the first backup of each new bucket is
  // kept until N buckets are kept. Buckets without backups cost nothing.
  const bucketOf = BUCKETS[rule]!
  let left = n
  let last: string | undefined
  for (const b of dated) {
    if (left === 0) break
    const bucket = bucketOf(b.time!)
    if (bucket === last) continue
    last = bucket
    left -= 1
    reasons.get(b)!.push(rule)
  }
  // Fewer buckets than N (a young history): restic (0.17 on) keeps the oldest backup as well,
  // so "12 months" starts from the very first backup rather than from some day in its month.
  const oldest = dated.at(-1)
  if (left > 0 && oldest && !reasons.get(oldest)!.includes(rule))
    reasons.get(oldest)!.push(`${rule} (oldest)`)
}

function applySafety(
  dated: PlannedBackup[],
  reasons: Map<PlannedBackup, string[]>,
  floor: number,
): void {
  const newestVerified = dated.find((b) => b.verified)
  if (newestVerified) reasons.get(newestVerified)!.push('newest verified')
  for (const b of dated) {
    // Only a backup strictly older than a verified one may go: a tie is not "newer".
    if (!newestVerified || b.time! >= newestVerified.time!) {
      if (b !== newestVerified) reasons.get(b)!.push('no newer verified backup')
    }
  }
  // A long absence: time rules alone could drop everything; the newest few always stay.
  let kept = dated.filter((b) => reasons.get(b)!.length > 0).length
  for (const b of dated) {
    if (kept >= floor) break
    const why = reasons.get(b)!
    if (why.length === 0) {
      why.push(`at least ${floor} kept`)
      kept += 1
    }
  }
}
