import type { RouteOutcome } from './dropbox-api.ts'
import type { CommitLock } from './commit-lock.ts'
import { finishBatch, FINISH, MAX_BATCH_ENTRIES, type FinishEntry } from './finish-batch.ts'
import type { FileMetadata } from './remote-metadata.ts'
import { abortableWait, type Sleep } from './retry-wait.ts'
import { callOptions, EMPTY_BODY, type UploadIo } from './upload-io.ts'

/** How long a commit waits for others to join its batch (rclone's sync batch timeout). */
export const BATCH_WINDOW_MS = 500
/** A shared batch is not aborted by any one upload; its waits still refuse the very long ones. */
const UNABORTED = new AbortController().signal

export interface CommitBatcherOptions {
  /** One commit request at a time per account, shared with files/upload. */
  lock: CommitLock
  /** Waits between a shared batch's retries; the batch belongs to no single upload. */
  sleep: Sleep
  /** Uploads under way on this account: when every one of them waits here, none can join. */
  underway: () => number
  windowMs?: number
}

interface Waiting {
  entry: FinishEntry
  io: UploadIo
  settle(outcome: RouteOutcome<FileMetadata>): void
  fail(error: unknown): void
}

/**
 * Collects the commits of closed upload sessions for one Dropbox account and sends them
 * together with finish_batch_v2: one namespace write instead of one per file, which is what
 * avoids too_many_write_operations (data ingress guide). A commit waits until every upload
 * under way (or about to be) is waiting too, or the window has passed; commits that arrive
 * while a batch is being committed go into the next one, as only one batch commits at a time.
 * A lone commit goes through upload_session/finish, exactly as before batching existed.
 */
export class CommitBatcher {
  private readonly options: CommitBatcherOptions
  private readonly wait: Sleep
  private pending: Waiting[] = []
  private sending = false
  private timer: ReturnType<typeof setTimeout> | undefined
  /**
   * Uploads started in the place of ones now waiting here (their queue slots were handed on),
   * not yet under way on this account. A hint that only holds a batch open until its window
   * ends: one that never comes (it went to another account, or failed first) is forgotten when
   * the batch goes out.
   */
  private expected = 0

  constructor(options: CommitBatcherOptions) {
    this.options = options
    this.wait = abortableWait(options.sleep, UNABORTED)
  }

  /** Another upload was started in the place of one whose commit waits: it may join too. */
  expect(): void {
    this.expected += 1
  }

  /** An upload got under way on this account (perhaps one that was expected). */
  arrived(): void {
    this.expected = Math.max(0, this.expected - 1)
  }

  /** The entry's own outcome, shaped like its upload_session/finish answer. */
  commit(entry: FinishEntry, io: UploadIo): Promise<RouteOutcome<FileMetadata>> {
    io.signal.throwIfAborted()
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        // An aborted upload stops waiting; a batch already sent may still commit its file,
        // which the next attempt finds at its path (same content_hash).
        this.pending = this.pending.filter((w) => w !== waiting)
        reject(io.signal.reason)
      }
      const done = (): void => io.signal.removeEventListener('abort', onAbort)
      const waiting: Waiting = {
        entry,
        io,
        settle: (outcome) => (done(), resolve(outcome)),
        fail: (error) => (done(), reject(error)),
      }
      io.signal.addEventListener('abort', onAbort, { once: true })
      this.pending.push(waiting)
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.sending || this.pending.length === 0) return
    const everyoneWaits = this.pending.length >= this.options.underway() + this.expected
    if (everyoneWaits || this.pending.length >= MAX_BATCH_ENTRIES) return this.flush()
    this.timer ??= setTimeout(() => this.flush(), this.options.windowMs ?? BATCH_WINDOW_MS)
  }

  private flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.sending || this.pending.length === 0) return
    this.expected = 0
    const batch = this.pending.splice(0, MAX_BATCH_ENTRIES)
    this.sending = true
    void this.send(batch).finally(() => {
      this.sending = false
      this.schedule()
    })
  }

  private async send(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.options.lock.run(() => this.commitAll(batch))
      batch.forEach((waiting, index) => waiting.settle(outcomes[index]!))
    } catch (error) {
      for (const waiting of batch) waiting.fail(error)
    }
  }

  private async commitAll(batch: Waiting[]): Promise<Array<RouteOutcome<FileMetadata>>> {
    const [only] = batch
    if (batch.length === 1 && only) {
      const { entry, io } = only
      return [await io.api.upload<FileMetadata>(FINISH, entry, EMPTY_BODY, callOptions(io))]
    }
    const { api } = batch[0]!.io
    const entries = batch.map((waiting) => waiting.entry)
    return finishBatch(api, entries, { sleep: this.wait, idempotent: true })
  }
}
