import type { Source } from './settings-schema.ts'
import { ABSOLUTE_PATH, REMOTE_SUBFOLDER } from './source-names.ts'

/**
 * Why a source cannot join `others`, or null when it can. Beyond the schema: labels name a silent
 * Pi in health, so they must differ; and two sources sharing a remote folder at a destination
 * would be counted as one by retention, so one Pi's backups could push out the other's.
 */
export function sourceProblem(
  source: Omit<Source, 'id'>,
  others: readonly Source[],
): string | null {
  const label = source.label.trim()
  if (label === '') return 'needs a label, such as "Brewhouse 1"'
  if (!ABSOLUTE_PATH.test(source.folder)) return `folder "${source.folder}" is not a full path`
  if (source.remoteSubfolder !== null && !REMOTE_SUBFOLDER.test(source.remoteSubfolder))
    return `remote subfolder "${source.remoteSubfolder}" must be a relative path such as "Brewhouse 1", with no empty, "." or ".." part`
  for (const other of others) {
    if (other.label.trim().toLowerCase() === label.toLowerCase())
      return `the label "${label}" is taken: give each Fermentrack its own`
    if (other.folder === source.folder)
      return `the folder ${source.folder} is watched already (${other.label})`
    if (other.remoteSubfolder === source.remoteSubfolder && sharesDestination(source, other))
      return `the remote subfolder ${source.remoteSubfolder === null ? '(none)' : `"${source.remoteSubfolder}"`} is used by ${other.label} already: each Fermentrack needs its own, so their backups stay apart`
  }
  return null
}

function sharesDestination(
  a: Pick<Source, 'destinations'>,
  b: Pick<Source, 'destinations'>,
): boolean {
  if (a.destinations === null || b.destinations === null) return true
  return a.destinations.some((id) => b.destinations!.includes(id))
}
