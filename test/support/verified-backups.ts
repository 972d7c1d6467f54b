import type { CompanionService } from '../../src/main/companion/companion-service.ts'
import { writeBackup } from './backup-files.ts'
import { waitFor } from './wait-for.ts'

/** Fermentrack-style names, a day apart from 1 November 2026, oldest first. */
export function nightlyNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(Date.UTC(2026, 10, 1 + i, 10)).toISOString().slice(0, 10)
    return `fermentrack_backup-${day}T10.00.00.tar.xz`
  })
}

/**
 * Uploads real backups through the companion's own command, as a drop on the window does, and
 * waits until the queue has verified every one of them: the history then holds them as the
 * retention planner reads it.
 */
export async function uploadVerified(
  companion: CompanionService,
  dir: string,
  names: string[],
): Promise<void> {
  const paths = await Promise.all(names.map((name, i) => writeBackup(dir, name, 2000 + i, i + 1)))
  const queued = await companion.invoke('uploads.enqueue', { paths })
  if (!queued.ok) throw new Error(queued.error.message)
  await waitFor(
    async () => {
      const history = await companion.invoke('uploads.history', { limit: 500 })
      if (!history.ok) return false
      const done = history.value.jobs.filter((j) => j.state === 'done' && names.includes(j.name))
      return done.length === names.length
    },
    { what: `${names.length} verified uploads` },
  )
}
