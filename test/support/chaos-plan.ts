import { setTimeout as sleep } from 'node:timers/promises'
import type { DropboxEmulator, Fault } from '../emulators/dropbox/index.ts'
import { MIB } from './backup-files.ts'
import type { BackupWriter, WriteStyle } from './chaos-files.ts'

// What a chaos run does, decided by its seeded random numbers alone: which backups are written,
// how and when, and which faults the emulator answers with.

const CONTENT_ROUTES = [
  '/2/files/upload',
  '/2/files/upload_session/start',
  '/2/files/upload_session/append_v2',
  '/2/files/upload_session/finish',
]
const FAULT_ROUTES = [...CONTENT_ROUTES, ...CONTENT_ROUTES, '/2/files/get_metadata']
const STEMS = [
  'Brauerei-Übersicht 🍺',
  'Gärkeller Süd',
  'fermentrack_backup',
  'Ølbryggeri Nørrebro',
  'Cervecería Ñandú',
  '日本酒 醸造',
  'Ζύμωση',
  'IPA – Hopfen & Malz',
  "Brew's #7 [test]",
]

/** Decides, from the seed, which backups are written, how, when and how big. */
export class Plan {
  private readonly names: string[] = []
  /** Writes whose start is still delayed: the writer knows of them only once they start. */
  private readonly delayed = new Set<Promise<void>>()
  private planned = 0
  /** Content seeds: distinct per write, and per run. */
  private nextSeed: number

  private readonly random: () => number
  private readonly writer: BackupWriter
  private readonly bigBytes: number
  private readonly budgetBytes: number

  constructor(random: () => number, writer: BackupWriter, bigBytes: number, budgetBytes: number) {
    this.random = random
    this.writer = writer
    this.bigBytes = bigBytes
    this.budgetBytes = budgetBytes
    this.nextSeed = Math.floor(random() * 2 ** 30)
  }

  /** The big one and four others, there before the first start. */
  initial(): void {
    this.add(this.bigBytes, 0)
    for (let i = 0; i < 4; i++) this.add(this.size(12 * MIB), 0)
  }

  /** Schedules `count` adds or rewrites within the next `windowMs`; returns how many. */
  changes(count: number, windowMs: number): number {
    let made = 0
    for (let i = 0; i < count; i++) {
      const size = this.size(8 * MIB)
      if (this.planned + size > this.budgetBytes) break
      const at = Math.round(this.random() * windowMs)
      // The big backup (the first) is never rewritten: one 60 MiB version per run.
      const rewrite = this.names.length > 1 && this.random() < 0.5
      if (rewrite) {
        const name = this.names[1 + Math.floor(this.random() * (this.names.length - 1))]!
        this.write(name, size, at)
      } else {
        this.add(size, at)
      }
      made++
    }
    return made
  }

  private add(size: number, at: number): void {
    const index = this.names.length
    const stem = STEMS[index % STEMS.length]!
    const hour = String(index % 24).padStart(2, '0')
    const extension = this.random() < 0.25 ? 'zip' : 'tar.xz'
    const name = `${stem} 2026-11-${22 + Math.floor(index / 24)}T${hour}.00.00.${extension}`
    this.names.push(name)
    this.write(name, size, at)
  }

  private write(name: string, size: number, at: number): void {
    this.planned += size
    const style: WriteStyle = this.random() < 0.6 ? 'rename' : 'slow'
    const seed = this.nextSeed++
    const start = () => this.writer.write(name, size, seed, style)
    if (at === 0) return void start().catch(() => {}) // errors surface through writer.idle()
    const later = sleep(at).then(() => void start().catch(() => {}))
    this.delayed.add(later)
    void later.finally(() => this.delayed.delete(later))
  }

  /** Resolves once every write planned so far has started and finished. */
  async done(): Promise<void> {
    while (this.delayed.size > 0) await Promise.all(this.delayed)
    await this.writer.idle()
  }

  /** Log-uniform between 1 KiB and `max`: many small backups, a few large. */
  private size(max: number): number {
    const min = 1024
    return Math.round(min * (max / min) ** this.random())
  }
}

/** A few faults for this cycle's requests: throttling, server errors, lost answers, stalls. */
export function injectFaults(emulator: DropboxEmulator, random: () => number): void {
  const count = 2 + Math.floor(random() * 4)
  for (let i = 0; i < count; i++) {
    const route = FAULT_ROUTES[Math.floor(random() * FAULT_ROUTES.length)]!
    emulator.injectFault(route, pickFault(random, route), 1 + Math.floor(random() * 2))
  }
}

function pickFault(random: () => number, route: string): Fault {
  const roll = random()
  if (roll < 0.2)
    return { kind: 'rate_limit', retryAfter: 1, body: random() < 0.5 ? 'json' : 'text' }
  if (roll < 0.4)
    return { kind: 'status', status: ([500, 502, 503] as const)[Math.floor(random() * 3)]! }
  if (roll < 0.6) return { kind: 'drop_response' }
  if (roll < 0.8 && CONTENT_ROUTES.includes(route)) return { kind: 'reset_mid_body' }
  return { kind: 'delay', ms: Math.round(200 + random() * 1800) }
}
