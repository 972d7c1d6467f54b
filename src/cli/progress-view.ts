import type { Job } from '../main/uploads/job-types.ts'
import { waitingText, type SlowDown } from '../shared/slow-down.ts'
import type { Progress } from '../main/uploads/progress-meter.ts'
import { checksumText, formatBytes } from './output.ts'

const BAR_WIDTH = 24

/** One line per job event; on a terminal, a live progress bar on the last line as well. */
export class ProgressView {
  private readonly tty: boolean
  private barShown = false
  private lastDraw = 0

  constructor(tty = process.stderr.isTTY === true) {
    this.tty = tty
  }

  line(text: string): void {
    this.clearBar()
    process.stdout.write(text + '\n')
  }

  /** `waiting`: the job is held back because its destination asked us to slow down. */
  job(job: Job, waiting?: SlowDown): void {
    const where = job.connectionId
    if (job.state === 'uploading')
      this.line(`Uploading ${job.name} → ${where} (${formatBytes(job.size)})`)
    if (job.state === 'done') {
      const note = job.renamed ? ' (name taken by a different file; kept both)' : ''
      this.line(`Uploaded ${job.name} → ${where}:${job.remotePath} ${checksumText(job)}${note}`)
    }
    if (job.state === 'cancelled' && job.supersededBy !== null)
      this.line(`Replaced ${job.name} → ${where}: a newer version of it is uploaded instead.`)
    if (job.state === 'failed') this.line(`Failed ${job.name} → ${where}: ${job.errorMessage}`)
    if (job.state === 'queued' && waiting) {
      this.line(`Waiting ${job.name} → ${where}: ${waitingText(waiting)}`)
    } else if (job.state === 'queued' && job.errorMessage) {
      this.line(`Will retry ${job.name} → ${where}: ${job.errorMessage}`)
    }
  }

  progress(job: Job, progress: Progress): void {
    this.bar(job.name, progress)
  }

  /** The live bar for any transfer of `name` (an upload, a restore's download). */
  bar(name: string, progress: Progress): void {
    if (!this.tty || Date.now() - this.lastDraw < 100) return
    this.lastDraw = Date.now()
    const fraction = progress.size ? progress.bytesDone / progress.size : 1
    const filled = Math.round(fraction * BAR_WIDTH)
    const eta =
      progress.etaSeconds === undefined ? '' : `, ${formatDuration(progress.etaSeconds)} left`
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`
    const speed = `${formatBytes(progress.bytesPerSecond)}/s`
    process.stderr.write(
      `\r${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${name} ${speed}${eta}\x1b[K`,
    )
    this.barShown = true
  }

  /** Takes the bar off the terminal, before a line of its own goes to stderr. */
  clearBar(): void {
    if (!this.barShown) return
    process.stderr.write('\r\x1b[K')
    this.barShown = false
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
}
