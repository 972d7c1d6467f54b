import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { dropboxContentHashOf } from './backup-files.ts'
import type { Version } from './chaos-files.ts'

/** A file a destination holds at the end. */
export interface StoredCopy {
  destination: string
  name: string
  size: number
  contentHash: string
  read(): Promise<Buffer>
}

/** What a run found, one line per instance; a clean run has every list empty. */
export interface Verdict {
  /** A name's final version is at a destination zero times. */
  lost: string[]
  /** Each copy beyond the first of one version at one destination. */
  duplicated: string[]
  /** A stored file that is no complete version written under its name. */
  corrupted: string[]
  /** Jobs that ended failed or cancelled, or were still unfinished after the final watch. */
  jobs: string[]
  /** Temp files left in the local destination. */
  leftovers: string[]
}

export interface JobLine {
  job_id: number
  name: string
  connection_id: string
  status: string
  attempts: number
  error: { code: string; message: string } | null
  /** Set when a newer version of the file replaced this job before it was uploaded. */
  superseded_by: number | null
}

/** "a (2).tar.xz" → "a.tar.xz": the keep-both names both destinations give a second version. */
export function baseName(stored: string): string {
  return stored.replace(/ \(\d+\)(\.tar\.xz|\.zip)$/, '$1')
}

/**
 * The promise checked: every version of a backup is stored at most once per destination, under
 * its name or a keep-both "name (n)" variant, and the version each name had at the end is stored
 * exactly once at each destination; an intermediate version may be missing (it was replaced
 * before it could be uploaded). Bytes are compared by Dropbox's content_hash (SHA-256 based).
 */
export async function judge(
  versions: Map<string, Version[]>,
  destinations: string[],
  stored: StoredCopy[],
): Promise<Pick<Verdict, 'lost' | 'duplicated' | 'corrupted'>> {
  const byHash = new Map<string, Version>()
  for (const list of versions.values()) for (const v of list) byHash.set(v.contentHash, v)
  const copies = new Map<string, StoredCopy[]>()
  const corrupted: string[] = []
  for (const copy of stored) {
    const version = byHash.get(copy.contentHash)
    if (!version) {
      corrupted.push(await describeUnknown(copy, versions))
      continue
    }
    if (baseName(copy.name) !== version.name) {
      corrupted.push(`${copy.destination}: "${copy.name}" holds a version of "${version.name}"`)
      continue
    }
    const key = `${copy.destination}\0${version.contentHash}`
    copies.set(key, [...(copies.get(key) ?? []), copy])
  }
  const lost: string[] = []
  const duplicated: string[] = []
  for (const [name, list] of versions) {
    for (const [index, version] of list.entries()) {
      const final = index === list.length - 1
      for (const destination of destinations) {
        const found = copies.get(`${destination}\0${version.contentHash}`) ?? []
        const label = `"${name}" version ${index + 1}/${list.length} (${version.size} bytes)`
        if (final && found.length === 0) {
          const others = stored.filter((c) => c.destination === destination)
          const sameName = others.filter((c) => baseName(c.name) === name).map((c) => c.name)
          lost.push(
            `${destination}: ${label} is missing; stored under that name: ${quoted(sameName)}`,
          )
        }
        for (const extra of found.slice(1)) {
          duplicated.push(
            `${destination}: ${label} stored ${found.length} times: ${quoted(found.map((c) => c.name))} (extra "${extra.name}")`,
          )
        }
      }
    }
  }
  return { lost, duplicated, corrupted }
}

/** Says whether an unknown copy is a truncated version (a half-written upload) or garbage. */
async function describeUnknown(copy: StoredCopy, versions: Map<string, Version[]>) {
  const list = versions.get(baseName(copy.name)) ?? []
  const bytes = await copy.read()
  for (const [index, version] of list.entries()) {
    if (bytes.length < version.size && version.bytes().subarray(0, bytes.length).equals(bytes)) {
      return `${copy.destination}: "${copy.name}" is the first ${bytes.length} of ${version.size} bytes of version ${index + 1}/${list.length} (half-written)`
    }
  }
  const sizes = list.map((v) => v.size).join(', ') || 'none'
  return `${copy.destination}: "${copy.name}" (${copy.size} bytes) matches no version written (versions of this name: ${sizes} bytes)`
}

/** Every file in the local destination's folder; names starting with "." are temp files. */
export async function localCopies(
  folder: string,
): Promise<{ copies: StoredCopy[]; temps: string[] }> {
  const names = await readdir(folder).catch(() => [] as string[])
  const copies: StoredCopy[] = []
  const temps: string[] = []
  for (const name of names.sort()) {
    const path = join(folder, name)
    if (name.startsWith('.')) {
      temps.push(`local: temp file "${name}" left behind`)
      continue
    }
    const bytes = await readFile(path)
    copies.push({
      destination: 'local',
      name,
      size: bytes.length,
      contentHash: dropboxContentHashOf(bytes),
      read: () => readFile(path),
    })
  }
  return { copies, temps }
}

/**
 * Jobs that did not end done: each is a problem once the final watch has drained the queue. A
 * job that a newer version of its file replaced is not: that version is judged by its own job.
 */
export function unfinishedJobs(jobs: JobLine[]): string[] {
  const ids = new Set(jobs.map((job) => job.job_id))
  const replaced = (job: JobLine) =>
    job.status === 'cancelled' && job.superseded_by !== null && ids.has(job.superseded_by)
  return jobs
    .filter((job) => job.status !== 'done' && !replaced(job))
    .map(
      (job) =>
        `job ${job.job_id} "${job.name}" → ${job.connection_id}: ${job.status} after ${job.attempts} attempts` +
        (job.error ? ` (${job.error.code}: ${job.error.message})` : ''),
    )
}

function quoted(names: string[]): string {
  return names.length ? names.map((n) => `"${n}"`).join(', ') : 'nothing'
}
