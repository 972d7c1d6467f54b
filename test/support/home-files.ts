import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Every file under FTB_HOME but the given ones (the secret store): where a secret must not be.
 * Insists on settings.json and a log being there, so the search is never over an empty folder.
 */
export async function filesUnder(home: string, except: string[] = []): Promise<string[]> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
  if (!files.includes(join(home, 'settings.json')) || !files.some((f) => /\.log/.test(f)))
    throw new Error(`no settings.json or log under ${home}: ${files.join(', ')}`)
  return files.filter((file) => !except.includes(file))
}
