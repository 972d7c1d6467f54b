import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { AppError } from '../shared/app-error.ts'
import { sourceFolder } from '../shared/remote-folder.ts'
import type { Source } from '../shared/settings-schema.ts'
import { sourceProblem } from '../shared/source-check.ts'
import { remoteSubfolderFromLabel, sourceIdFromLabel } from '../shared/source-names.ts'
import type { Engine } from '../main/engine.ts'
import { printJson } from './output.ts'

export const SOURCE_FLAGS = {
  folder: { type: 'string' },
  label: { type: 'string' },
  'remote-subfolder': { type: 'string' },
  destination: { type: 'string', multiple: true },
} as const

export interface SourceOptions {
  folder?: string
  label?: string
  'remote-subfolder'?: string
  destination?: string[]
  json: boolean
}

/** `sources`, `sources add …`, `sources remove ID`: the Fermentrack folders that are watched. */
export async function sourcesCommand(
  engine: Engine,
  args: string[],
  options: SourceOptions,
): Promise<void> {
  const [action, ...rest] = args
  if (action === undefined) return listSources(engine, options.json)
  if (action === 'add' && rest.length === 0) return addSource(engine, options)
  if (action === 'remove' && rest.length === 1) return removeSource(engine, rest[0]!, options.json)
  throw new AppError(
    'usage',
    'Usage: fermentrack-backup sources [--json] | sources add --folder DIR --label L [--remote-subfolder S] [--destination ID …] | sources remove ID.',
  )
}

function listSources(engine: Engine, json: boolean): void {
  const { sources, remoteFolder } = engine.settings.get()
  if (json) return printJson(sources.map(sourceJson))
  if (sources.length === 0) {
    process.stdout.write('No Fermentrack folder is watched: add one with `sources add`.\n')
    return
  }
  const lines = sources.map(
    (s) =>
      `${s.id}  ${s.label}  ${s.folder} → ${sourceFolder(remoteFolder, s)} (${s.destinations?.join(', ') ?? 'every destination'})`,
  )
  process.stdout.write(lines.join('\n') + '\n')
}

/** Checked in full before anything is saved: a refused source changes nothing. */
async function addSource(engine: Engine, options: SourceOptions): Promise<void> {
  if (!options.folder || !options.label)
    throw new AppError('usage', 'sources add needs --folder DIR and --label L.')
  const folder = resolve(options.folder)
  const info = await stat(folder).catch(() => undefined)
  if (!info?.isDirectory())
    throw new AppError(
      'usage',
      `--folder ${folder} is not a folder: create or mount it first, then add it.`,
    )
  const given = options['remote-subfolder']
  // An empty subfolder sends backups straight into each destination's folder.
  const remoteSubfolder =
    given === undefined
      ? remoteSubfolderFromLabel(options.label)
      : given.replace(/^\/+|\/+$/g, '') || null
  const destinations = options.destination?.length
    ? checkedDestinations(engine, options.destination)
    : null
  const current = engine.settings.get().sources
  const candidate = { label: options.label.trim(), folder, remoteSubfolder, destinations }
  const problem = sourceProblem(candidate, current)
  if (problem) throw new AppError('usage', `This Fermentrack cannot be added: ${problem}.`)
  const source: Source = {
    id: sourceIdFromLabel(
      candidate.label,
      current.map((s) => s.id),
    ),
    ...candidate,
  }
  engine.settings.update((s) => ({ ...s, sources: [...s.sources, source] }))
  engine.log.info('source added', { source: source.id, folder })
  if (options.json) return printJson(sourceJson(source))
  process.stdout.write(
    `Added ${source.label} (${source.id}): ${folder}. A running \`watch\` picks it up when restarted.\n`,
  )
}

function checkedDestinations(engine: Engine, ids: string[]): string[] {
  const known = engine.uploads.destinations()
  const unknown = ids.find((id) => !known.includes(id))
  if (unknown !== undefined)
    throw new AppError(
      'usage',
      `--destination "${unknown}" is not a destination: \`fermentrack-backup connections\` lists them${known.length ? ` (${known.join(', ')})` : ''}.`,
    )
  return [...new Set(ids)]
}

function removeSource(engine: Engine, id: string, json: boolean): void {
  const { sources } = engine.settings.get()
  const source = sources.find((s) => s.id === id)
  if (!source)
    throw new AppError(
      'usage',
      `No Fermentrack source has the id "${id}": \`fermentrack-backup sources\` lists them.`,
    )
  engine.settings.update((s) => ({ ...s, sources: s.sources.filter((other) => other.id !== id) }))
  engine.log.info('source removed', { source: id })
  // Its backups stay where they are, locally and at every destination.
  if (json) return printJson(sourceJson(source))
  process.stdout.write(`Removed ${source.label} (${id}); its backups are left where they are.\n`)
}

function sourceJson(s: Source) {
  return {
    id: s.id,
    label: s.label,
    folder: s.folder,
    remote_subfolder: s.remoteSubfolder,
    destinations: s.destinations,
  }
}
