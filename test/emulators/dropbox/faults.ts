import type { Fault } from './types.ts'
import { jsonReply, textReply, type Reply } from './reply.ts'

/** Faults that fail a commit step rather than the transport; only write routes can take them. */
export type CommitFault = Extract<
  Fault,
  { kind: 'insufficient_space' | 'too_many_write_operations' }
>

export const COMMIT_ROUTES: Record<CommitFault['kind'], readonly string[]> = {
  insufficient_space: [
    '/2/files/upload',
    '/2/files/upload_session/finish',
    '/2/files/upload_session/finish_batch_v2',
  ],
  too_many_write_operations: [
    '/2/files/upload',
    '/2/files/upload_session/finish',
    '/2/files/upload_session/finish_batch_v2',
    '/2/files/delete_v2',
  ],
}

interface Queued {
  fault: Fault
  remaining: number
}

export function isCommitFault(fault: Fault): fault is CommitFault {
  return fault.kind === 'insufficient_space' || fault.kind === 'too_many_write_operations'
}

/** Per-path FIFO of faults; '*' matches any path and is consulted after the path's own queue. */
export class FaultQueue {
  private readonly queues = new Map<string, Queued[]>()

  inject(path: string, fault: Fault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be >= 1, got ${times}`)
    if (isCommitFault(fault) && path !== '*' && !COMMIT_ROUTES[fault.kind].includes(path)) {
      throw new Error(
        `${fault.kind} can only be injected on ${COMMIT_ROUTES[fault.kind].join(', ')}`,
      )
    }
    const queue = this.queues.get(path) ?? []
    queue.push({ fault: { ...fault }, remaining: times })
    this.queues.set(path, queue)
  }

  /** Forgets every fault still queued. */
  clear(): void {
    this.queues.clear()
  }

  /** A commit fault due next at `path`, for the second and later entries of a batch. */
  takeCommit(path: string): CommitFault | undefined {
    for (const key of [path, '*']) {
      const head = this.queues.get(key)?.[0]
      if (head && isCommitFault(head.fault)) return this.take(path) as CommitFault
      if (head) return undefined
    }
    return undefined
  }

  /** Takes the fault due for this request; a commit fault stays queued unless the route commits. */
  take(path: string): Fault | undefined {
    for (const key of [path, '*']) {
      const queue = this.queues.get(key)
      const head = queue?.[0]
      if (!queue || !head) continue
      if (isCommitFault(head.fault) && !COMMIT_ROUTES[head.fault.kind].includes(path)) continue
      head.remaining -= 1
      if (head.remaining === 0) queue.shift()
      return head.fault
    }
    return undefined
  }
}

/** 429 per the data ingress guide: JSON with reason + retry_after, or plain text. */
export function rateLimitReply(fault: Extract<Fault, { kind: 'rate_limit' }>): Reply {
  const headers = { 'retry-after': String(fault.retryAfter) }
  const reason = fault.reason ?? 'too_many_requests'
  if (fault.body === 'text') return textReply(429, 'Too many requests', headers)
  return jsonReply(
    429,
    {
      error_summary: `${reason}/..`,
      error: { reason: { '.tag': reason }, retry_after: fault.retryAfter },
    },
    headers,
  )
}

export function serverErrorReply(status: 500 | 502 | 503): Reply {
  const text: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  }
  return textReply(status, text[status] ?? 'Server Error')
}
