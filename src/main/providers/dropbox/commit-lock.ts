/**
 * Serializes commits to one Dropbox account: parallel commits contend for the namespace write
 * lock and fail with too_many_write_operations (data ingress guide; reference pitfall 10).
 */
export class CommitLock {
  private tail: Promise<void> = Promise.resolve()

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tail
    let release = (): void => {}
    const mine = new Promise<void>((resolve) => (release = resolve))
    this.tail = previous.then(() => mine)
    try {
      await untilAborted(previous, signal)
      return await work()
    } finally {
      release()
    }
  }
}

/** Waiting in line must not outlive an abort; the queue behind still waits for `previous`. */
function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise
  signal.throwIfAborted()
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
