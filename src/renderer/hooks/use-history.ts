import { useCallback, useEffect, useRef, useState } from 'react'
import type { ErrorInfo, JobState, JobView, RemovalView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

export interface HistoryFilter {
  status: JobState | null
  text: string
}

export interface HistoryPages {
  /** Matching jobs in all, null until the first page answers. */
  total: number | null
  rowAt: (index: number) => JobView | undefined
  jobById: (id: number) => JobView | undefined
  /** Where a loaded job sits now (new jobs push older ones down). */
  indexOf: (id: number) => number | undefined
  error: ErrorInfo | null
  /** Files retention deleted that this app had not uploaded (they have no row of their own). */
  removals: RemovalView[]
  /** Loads the pages this range needs (rows outside it stay cached). */
  want: (start: number, end: number) => void
}

export const HISTORY_PAGE = 100
/** Job events come in bursts (a batch of backups); one refresh per burst is enough. */
const REFRESH_DELAY_MS = 400

interface Shown {
  key: string
  total: number | null
  error: ErrorInfo | null
  removals: RemovalView[]
}

interface Page {
  jobs: JobView[]
  generation: number
}

/**
 * The upload history, fetched a page at a time for the rows on screen, so 10,000 jobs cost a
 * few small requests. Job events patch rows at once, then the visible pages are refreshed (new
 * jobs shift everything by one, newest first).
 */
export function useHistory(filter: HistoryFilter): HistoryPages {
  const api = useCompanion()
  const key = `${filter.status ?? ''}\u0000${filter.text}`
  const pages = useRef(new Map<number, Page>())
  const loading = useRef(new Set<string>())
  const range = useRef({ start: 0, end: HISTORY_PAGE })
  const generation = useRef(0)
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const [shown, setShown] = useState<Shown>({ key, total: null, error: null, removals: [] })
  const [, setVersion] = useState(0)
  const rerender = useCallback(() => setVersion((v) => v + 1), [])
  const currentKey = useRef(key)

  // A new filter starts an empty cache, at once, so no row of the old filter shows under it.
  if (shown.key !== key) {
    currentKey.current = key
    pages.current = new Map()
    range.current = { start: 0, end: HISTORY_PAGE }
    setShown({ key, total: null, error: null, removals: [] })
  }

  const load = useCallback(
    (page: number) => {
      const gen = generation.current
      const tag = `${key}/${page}/${gen}`
      if (loading.current.has(tag)) return
      loading.current.add(tag)
      const query = {
        limit: HISTORY_PAGE,
        offset: page * HISTORY_PAGE,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.text ? { text: filter.text } : {}),
      }
      void api['uploads.history'](query).then((result) => {
        loading.current.delete(tag)
        if (currentKey.current !== key) return
        if (!result.ok) {
          setShown((s) => ({ ...s, error: result.error }))
          return
        }
        pages.current.set(page, { jobs: result.value.jobs, generation: gen })
        const { total, removals } = result.value
        // Only the first page brings them; the others leave them as they are.
        setShown((s) => ({ key, total, error: null, removals: removals ?? s.removals }))
        rerender()
      })
    },
    [api, key, filter.status, filter.text, rerender],
  )

  const want = useCallback(
    (start: number, end: number) => {
      range.current = { start, end }
      const first = Math.floor(start / HISTORY_PAGE)
      const last = Math.floor(Math.max(start, end - 1) / HISTORY_PAGE)
      for (let page = first; page <= last; page++) {
        const cached = pages.current.get(page)
        if (!cached || cached.generation < generation.current) load(page)
      }
    },
    [load],
  )

  // The first page loads even when no table asks (the view needs the total for empty states).
  useEffect(() => {
    want(range.current.start, range.current.end)
  }, [want])

  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current)
    },
    [],
  )

  useCompanionEvent('uploads.job', (job) => {
    for (const page of pages.current.values()) {
      const i = page.jobs.findIndex((j) => j.id === job.id)
      if (i >= 0) page.jobs = page.jobs.with(i, job)
    }
    rerender()
    if (refreshTimer.current) return
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null
      generation.current++
      want(range.current.start, range.current.end)
    }, REFRESH_DELAY_MS)
  })

  const rowAt = (index: number) =>
    pages.current.get(Math.floor(index / HISTORY_PAGE))?.jobs[index % HISTORY_PAGE]
  const jobById = (id: number) => {
    for (const page of pages.current.values()) {
      const job = page.jobs.find((j) => j.id === id)
      if (job) return job
    }
    return undefined
  }

  const indexOf = (id: number) => {
    for (const [number, page] of pages.current) {
      const i = page.jobs.findIndex((j) => j.id === id)
      if (i >= 0) return number * HISTORY_PAGE + i
    }
    return undefined
  }

  return {
    total: shown.total,
    rowAt,
    jobById,
    indexOf,
    error: shown.error,
    removals: shown.removals,
    want,
  }
}
