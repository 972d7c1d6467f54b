import type { Server } from 'node:net'
import { closeServer, listenAsHolder, request, socketPath } from '../ipc/local-socket.ts'
import type { Logger } from '../log/logger.ts'
import { LeaseClaimer, type HeldLease, type LeaseOptions } from '../store/lease.ts'

/**
 * One process at a time runs the queue: the holder of the "queue" lease (store/lease.ts), which
 * is taken atomically and passes at once to another process when its holder dies, even by kill -9.
 * FTB_HOME/queue.sock is only the doorbell: the holder listens on it, and other processes ring it
 * after adding jobs or changing pauses in the job store.
 */
export const queuePath = (home: string) => socketPath(home, 'queue')

/** How often a process that does not own the queue checks whether it may. */
const CLAIM_RETRY_MS = 2000
/** A ring that gets no answer in this long: the owner is stuck or stopped, not worth waiting for. */
const RING_TIMEOUT_MS = 5000

/** What the owner does with the queue: the upload service's side of ownership. */
export interface QueueRunner {
  start(): void
  nudge(): void
  /** Stops taking work and checkpoints what is in flight. */
  stop(): Promise<void>
}

interface Held {
  lease: HeldLease
  doorbell: Server | undefined
}

/**
 * Runs the queue while this process holds the lease; otherwise rings the owner and checks back
 * every CLAIM_RETRY_MS, taking over once the owner has gone. If the lease is ever lost (this
 * process stood still so long that another took it over), it stops running the queue at once.
 */
export class QueueOwner {
  private readonly home: string
  private readonly runner: QueueRunner
  private readonly log: Logger
  private readonly claimer: LeaseClaimer
  private held: Held | undefined
  private timer: NodeJS.Timeout | undefined
  private claiming: Promise<void> | undefined
  private losing: Promise<void> | undefined
  /** Bumped by release(): a claim or retry begun before it must not start the queue after it. */
  private generation = 0

  constructor(home: string, runner: QueueRunner, log: Logger, lease: LeaseOptions = {}) {
    this.home = home
    this.runner = runner
    this.log = log
    this.claimer = new LeaseClaimer(home, 'queue', { log, ...lease, onLost: () => this.lost() })
  }

  get owns(): boolean {
    return this.held !== undefined
  }

  /** Runs the queue here if no other process does; otherwise keeps checking whether it can. */
  claim(): Promise<void> {
    if (this.held || this.timer) return Promise.resolve()
    this.claiming ??= this.attempt().finally(() => (this.claiming = undefined))
    return this.claiming
  }

  /** Stops the queue (checkpointing what is in flight) and gives ownership up, or stops trying. */
  async release(): Promise<void> {
    this.generation++
    clearTimeout(this.timer)
    this.timer = undefined
    await this.claiming?.catch(() => {})
    await this.losing
    const held = this.held
    if (!held) return
    await this.runner.stop()
    this.held = undefined
    await giveUp(held)
  }

  private async attempt(): Promise<void> {
    const generation = this.generation
    const lease = this.claimer.tryClaim()
    if (!lease) {
      await nudgeQueue(this.home)
      if (generation === this.generation) this.retryLater()
      return
    }
    const held = { lease, doorbell: await this.listen() }
    if (generation !== this.generation || lease.lost) return giveUp(held)
    this.held = held
    try {
      this.runner.start()
    } catch (error) {
      this.held = undefined
      await giveUp(held)
      throw error
    }
  }

  /**
   * The doorbell, or none if this path can't be listened on: the queue then still finds new
   * jobs by its own polling, only later.
   */
  private async listen(): Promise<Server | undefined> {
    try {
      return await listenAsHolder(queuePath(this.home), (socket) => {
        socket.on('error', () => socket.destroy())
        // Read (and drop) the ring, so the caller's end is seen and the connection closes: an
        // unread one stays open, and closing the server would then wait for it forever.
        socket.resume()
        socket.end()
        this.runner.nudge()
      })
    } catch (error) {
      this.log.warn('could not listen for queue nudges', { error })
      return undefined
    }
  }

  private retryLater(): void {
    const generation = this.generation
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.claim().catch((error: unknown) => {
        this.log.error('could not claim the upload queue', { error })
        if (generation === this.generation && !this.timer) this.retryLater()
      })
    }, CLAIM_RETRY_MS)
  }

  private lost(): void {
    const held = this.held
    if (!held) return
    const generation = this.generation
    this.log.warn('another process took the upload queue over; stopping it here')
    // Closing our doorbell may remove the successor's socket file: it then finds new jobs by its
    // own polling, a few seconds later. Rare (this process stood still for the stale timeout).
    this.losing = (async () => {
      await this.runner.stop()
      this.held = undefined
      await giveUp(held)
      if (generation === this.generation) this.retryLater()
    })().finally(() => (this.losing = undefined))
  }
}

/** The doorbell is closed first: closing removes the socket file, which must not be a successor's. */
async function giveUp(held: Held): Promise<void> {
  if (held.doorbell) await closeServer(held.doorbell)
  held.lease.release()
}

/** Tells the owner to look at the job store again; false when no process answers. */
export async function nudgeQueue(home: string): Promise<boolean> {
  try {
    await request(queuePath(home), 'nudge', RING_TIMEOUT_MS)
    return true
  } catch {
    return false
  }
}
