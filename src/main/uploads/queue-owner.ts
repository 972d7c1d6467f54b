import { closeServer, listenExclusive, request, socketPath } from '../ipc/local-socket.ts'

/**
 * One process at a time runs the queue: the one listening on FTB_HOME/queue.sock. The socket is
 * the lock (the kernel drops it when the owner dies, even by kill -9) and also the doorbell other
 * processes ring after adding jobs or changing pauses in the job store.
 */
export const queuePath = (home: string) => socketPath(home, 'queue')

export async function claimQueue(
  home: string,
  onNudge: () => void,
): Promise<{ release(): Promise<void> } | undefined> {
  const server = await listenExclusive(queuePath(home), (socket) => {
    socket.on('error', () => socket.destroy())
    // Read (and drop) the ring, so the caller's end is seen and the connection closes: an unread
    // one stays open, and release() would then wait for it forever.
    socket.resume()
    socket.end()
    onNudge()
  })
  return server && { release: () => closeServer(server) }
}

/** Tells the owner to look at the job store again; false when no process owns the queue. */
export async function nudgeQueue(home: string): Promise<boolean> {
  try {
    await request(queuePath(home), 'nudge')
    return true
  } catch {
    return false
  }
}
