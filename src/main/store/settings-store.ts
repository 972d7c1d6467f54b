import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import Conf from 'conf'
import { z } from 'zod'
import { Settings, SETTINGS_VERSION } from '../../shared/settings-schema.ts'
import { AppError } from '../../shared/app-error.ts'
import { APP_DIR_NAME } from './home.ts'
import { migrateSettings, type RawSettings } from './settings-migrations.ts'
import { splitSecretSettings, type HandWrittenSecrets } from './secret-settings.ts'

export interface LoadedSettings {
  settings: Settings
  /** What was wrong with the file and where its copy was kept; shown to the user at start. */
  warnings: string[]
  /** Secrets written into the file by hand (secret-settings.ts); the file will not keep them. */
  secrets?: HandWrittenSecrets | null
}

/**
 * Settings live in `<home>/settings.json`, written through conf (atomic writes). The Electron shell
 * uses this same store through the engine rather than electron-store (conf with Electron's paths):
 * one writer of one file, and the schema and repair rules apply alike. A bad file is copied aside
 * and reported before any default replaces a value, so hand edits are never silently lost.
 */
export class SettingsStore {
  readonly file: string
  private readonly conf: Conf<Settings>
  readonly warnings: string[]
  private readonly listeners = new Set<SettingsListener>()
  /** The last settings the file held that were valid: what a bad hand edit leaves in effect. */
  private lastGood: Settings
  /** The settings the listeners were last told about, so our own write is not news to them. */
  private announced: Settings
  /** Secrets taken out of the file, until the engine takes them (takeHandWrittenSecrets). */
  private handWritten: HandWrittenSecrets = {}
  private readonly secretListeners = new Set<() => void>()

  constructor(home: string) {
    this.file = join(home, 'settings.json')
    const { settings, warnings, secrets } = loadSettingsFile(this.file)
    this.warnings = warnings
    this.handWritten = { ...secrets }
    try {
      this.conf = new Conf<Settings>({
        cwd: home,
        configName: 'settings',
        projectName: APP_DIR_NAME,
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        // A damaged file was already copied aside and reported by loadSettingsFile.
        clearInvalidConfig: true,
      })
      // Written only when loading changed something: a start-up must not rewrite the user's file
      // (nor fail on a full disk). conf's store has a null prototype: compare the values only.
      // A secret written by hand is such a change: the file is rewritten without it at once.
      if (!isDeepStrictEqual({ ...this.conf.store }, settings)) this.conf.store = settings
      this.lastGood = settings
      this.announced = settings
    } catch (error) {
      throw new AppError('settings_unreadable', `Cannot write the settings file ${this.file}.`, {
        cause: error,
      })
    }
  }

  /**
   * The settings as the file holds them now, so a change by another process (the CLI beside the
   * app, a hand edit) counts from the next read. A file that does not read as valid settings leaves
   * the last good ones in effect (watchSettingsFile reports it): conf would clear such a file.
   */
  get(): Settings {
    return this.current(this.readFile())
  }

  /** The settings a read gives: its own when valid, else the last good ones. */
  private current(read: SettingsRead): Settings {
    if ('settings' in read) this.lastGood = read.settings
    return this.lastGood
  }

  /**
   * The file read strictly (readSettingsText), after taking out a secret written into it while
   * this process runs, before anything else reads it: even from a file that is not valid settings.
   */
  private readFile(): SettingsRead {
    const read = readSettingsText(this.file)
    if (read.secrets && this.removeFromFile(read.rest!)) {
      this.handWritten = { ...this.handWritten, ...read.secrets }
      for (const listener of this.secretListeners) listener()
    }
    return read
  }

  /**
   * Rewrites the file without its secrets. A failed write (a full disk) must not fail the read:
   * the secret is then handed over by a later read, once it is out of the file.
   */
  private removeFromFile(rest: Record<string, unknown>): boolean {
    try {
      this.conf.store = rest as Settings
      return true
    } catch {
      return false
    }
  }

  /** Returns, and forgets, the secrets taken out of the file since the last call. */
  takeHandWrittenSecrets(): HandWrittenSecrets {
    const taken = this.handWritten
    this.handWritten = {}
    return taken
  }

  /** Called when a read finds a secret written into the file while this process runs. */
  onHandWrittenSecret(listener: () => void): () => void {
    this.secretListeners.add(listener)
    return () => this.secretListeners.delete(listener)
  }

  update(change: (current: Settings) => Settings): Settings {
    const read = this.readFile()
    const next = Settings.parse(change(this.current(read)))
    // A hand edit that does not parse is about to be replaced: keep it aside first.
    if ('problem' in read && existsSync(this.file)) keepCopy(this.file)
    this.conf.store = next
    this.lastGood = next
    this.announce(next, 'app')
    return next
  }

  /**
   * Reads the file after a change from outside this process and tells the listeners, as a save
   * here does, when it holds other settings than they last heard of. Returns the problem, in one
   * line, when the file is not valid settings (the last good ones stay in effect), else null.
   */
  reread(): string | null {
    const read = this.readFile()
    if ('problem' in read) return read.problem
    this.lastGood = read.settings
    this.announce(read.settings, 'file')
    return null
  }

  /** Called after each change: a save in this process, or (while watched) an edit of the file. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private announce(next: Settings, origin: ChangeOrigin): void {
    if (origin === 'file' && isDeepStrictEqual(next, this.announced)) return
    const previous = this.announced
    this.announced = next
    for (const listener of this.listeners) listener(next, { origin, previous })
  }
}

/** Where a change came from: a save through this store, or the file edited from outside. */
export type ChangeOrigin = 'app' | 'file'
export type SettingsListener = (
  settings: Settings,
  change: { origin: ChangeOrigin; previous: Settings },
) => void

/**
 * The file's settings, read strictly: nothing repaired or copied, since this runs on every read.
 * A problem is one line that names the file, what is wrong, and that the last good settings stay.
 */
type SettingsRead = ({ settings: Settings } | { problem: string }) & {
  /** Secret keys the file held, and the rest of it to write back without them. */
  secrets?: HandWrittenSecrets | null
  rest?: Record<string, unknown>
}

function readSettingsText(file: string): SettingsRead {
  const unusable = (why: string) => ({
    problem: `Settings file ${file} ${why}; the settings from before stay in effect until it is corrected.`,
  })
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return unusable('is missing')
    if (error instanceof SyntaxError) return unusable(`is not valid JSON (${error.message})`)
    return unusable(`cannot be read (${(error as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return unusable('does not hold a settings object')
  const { rest, secrets } = splitSecretSettings(raw as RawSettings)
  const result = Settings.safeParse(migrateSettings(rest))
  if (result.success) return { settings: result.data, secrets, rest }
  const issue = result.error.issues[0]!
  return {
    ...unusable(`has an invalid value: "${issue.path.join('.')}" (${issue.message})`),
    secrets,
    rest,
  }
}

export function loadSettingsFile(file: string): LoadedSettings {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { settings: defaults(), warnings: [] }
    throw new AppError('settings_unreadable', `Cannot read the settings file ${file}.`, {
      cause: error,
    })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    const copy = keepCopy(file)
    return {
      settings: defaults(),
      warnings: [
        `Settings file ${file} is not valid JSON (damaged or truncated). Kept a copy at ${copy}; using default settings.`,
      ],
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const copy = keepCopy(file)
    return {
      settings: defaults(),
      warnings: [
        `Settings file ${file} does not hold a settings object. Kept a copy at ${copy}; using default settings.`,
      ],
    }
  }
  const { rest, secrets } = splitSecretSettings(raw as RawSettings)
  // A copy kept aside for a bad value must not keep the secret either: it is written without it.
  const keep = () => keepCopy(file, secrets ? rest : undefined)
  return { ...repair(file, migrateSettings(rest), keep), secrets }
}

/** Replaces only the invalid keys (or list entries) with defaults, after copying the file aside. */
function repair(file: string, raw: RawSettings, keepAside: () => string): LoadedSettings {
  const problems: string[] = []
  let candidate = { ...raw }
  for (let round = 0; round < 10; round++) {
    const result = Settings.safeParse(candidate)
    if (result.success) {
      if (problems.length === 0) return { settings: result.data, warnings: [] }
      const copy = keepAside()
      return {
        settings: result.data,
        warnings: [
          `Settings file ${file} has invalid values: ${problems.join('; ')}. Kept a copy at ${copy}; using defaults for those keys.`,
        ],
      }
    }
    candidate = dropInvalid(candidate, result.error, problems)
  }
  const copy = keepAside()
  return {
    settings: defaults(),
    warnings: [
      `Settings file ${file} could not be repaired. Kept a copy at ${copy}; using default settings.`,
    ],
  }
}

function dropInvalid(candidate: RawSettings, error: z.ZodError, problems: string[]): RawSettings {
  const next = { ...candidate }
  for (const issue of error.issues) {
    const [key, index] = issue.path
    if (typeof key !== 'string') continue
    const name = issue.path.join('.')
    problems.push(`"${name}" (${issue.message})`)
    const list = next[key]
    if (key === 'version') next.version = SETTINGS_VERSION
    else if (typeof index === 'number' && Array.isArray(list))
      next[key] = list.filter((_, i) => i !== index)
    else delete next[key]
  }
  return next
}

/** Copies the file aside, or writes `content` there instead (the file less its secrets). */
function keepCopy(file: string, content?: RawSettings): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const copy = join(dirname(file), `${basename(file, '.json')}.invalid-${stamp}.json`)
  if (content) writeFileSync(copy, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 })
  else copyFileSync(file, copy)
  return copy
}

function defaults(): Settings {
  return Settings.parse({ version: SETTINGS_VERSION })
}
