import { performance } from 'node:perf_hooks'
import type { DropboxEmulator, RequestRecord } from '../test/emulators/dropbox/index.ts'
import { withTimeout } from './teardown.ts'

export interface Arrival {
  path: string
  /** performance.now() when the emulator took the request (its headers parsed). */
  arrivedAt: number
  /** performance.now() when the emulator started its answer; undefined while in flight. */
  answeredAt: number | undefined
  record: RequestRecord
}

export const UPLOAD_ROUTES = [
  '/2/files/upload',
  '/2/files/upload_session/start',
  '/2/files/upload_session/append_v2',
  '/2/files/upload_session/finish',
]
export const isUploadRoute = (a: Arrival) => UPLOAD_ROUTES.includes(a.path)

/**
 * Timestamps every request the emulator handles, without a proxy in the path: the emulator
 * pushes each record onto `requests` the moment a request's headers are parsed, and sets its
 * `status` just before answering, so wrapping both gives arrival and answer times exactly.
 */
export class RequestClock {
  readonly arrivals: Arrival[] = []
  private readonly waiters = new Set<(arrival: Arrival) => void>()

  constructor(emulator: DropboxEmulator) {
    const list = emulator.requests
    const push = list.push.bind(list)
    list.push = (...records: RequestRecord[]) => {
      for (const record of records) this.observe(record)
      return push(...records)
    }
  }

  /** The first request at or after `since` that matches, already arrived or still to come. */
  next(since: number, match: (a: Arrival) => boolean, timeoutMs: number): Promise<Arrival> {
    const ok = (a: Arrival) => a.arrivedAt >= since && match(a)
    const earlier = this.arrivals.find(ok)
    if (earlier) return Promise.resolve(earlier)
    let waiter: (arrival: Arrival) => void = () => {}
    const found = new Promise<Arrival>((resolve) => {
      waiter = (arrival) => ok(arrival) && resolve(arrival)
      this.waiters.add(waiter)
    })
    return withTimeout(found, timeoutMs, 'waiting for a request at the emulator').finally(() =>
      this.waiters.delete(waiter),
    )
  }

  between(from: number, to: number): Arrival[] {
    return this.arrivals.filter((a) => a.arrivedAt >= from && a.arrivedAt <= to)
  }

  private observe(record: RequestRecord): void {
    const arrival: Arrival = {
      path: record.path,
      arrivedAt: performance.now(),
      answeredAt: undefined,
      record,
    }
    let status = record.status
    Object.defineProperty(record, 'status', {
      enumerable: true,
      get: () => status,
      set: (value: number) => {
        status = value
        if (value) arrival.answeredAt ??= performance.now()
      },
    })
    this.arrivals.push(arrival)
    for (const waiter of this.waiters) waiter(arrival)
  }
}

/** How a run's upload requests used the link: overlap and idle time, from their arrival and answer. */
export interface Traffic {
  requests: number
  /** The most upload requests the emulator had in hand at once. */
  mostInFlight: number
  /** Time within the span with no request in hand: the link idle for round trips and client work. */
  idle: number
}

/** Sweeps arrivals and answers in time order: idle is the time with no request in hand. */
export function traffic(arrivals: Arrival[]): Traffic {
  const events = arrivals.flatMap((a) => [
    { at: a.arrivedAt, step: 1 },
    { at: a.answeredAt!, step: -1 },
  ])
  events.sort((x, y) => x.at - y.at || y.step - x.step)
  let inHand = 0
  let most = 0
  let idle = 0
  let idleSince = events[0]?.at ?? 0
  for (const { at, step } of events) {
    if (inHand === 0) idle += at - idleSince
    inHand += step
    most = Math.max(most, inHand)
    if (inHand === 0) idleSince = at
  }
  return { requests: arrivals.length, mostInFlight: most, idle }
}
