import { useEffect, useRef, useState } from 'react'
import type { JobView, ProgressView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

export interface Transfer {
  job: JobView
  progress: ProgressView | null
}

const isActive = (job: JobView) => job.state === 'uploading' || job.state === 'verifying'

/** Uploads in flight: uploads.active, then uploads.job and uploads.progress keep it live. */
export function useActiveTransfers(): Transfer[] | null {
  const api = useCompanion()
  const [jobs, setJobs] = useState<Map<number, JobView> | null>(null)
  const [progress, setProgress] = useState<Map<number, ProgressView>>(new Map())
  // Job events seen before uploads.active answered: newer than its answer.
  const early = useRef(new Map<number, JobView>())

  useEffect(() => {
    let live = true
    void api['uploads.active']().then((result) => {
      if (!live) return
      const merged = new Map(result.ok ? result.value.map((job) => [job.id, job]) : [])
      for (const [id, job] of early.current) merged.set(id, job)
      setJobs(new Map([...merged].filter(([, job]) => isActive(job))))
    })
    return () => {
      live = false
    }
  }, [api])

  useCompanionEvent('uploads.job', (job) => {
    if (jobs === null) early.current.set(job.id, job)
    setJobs((current) => {
      if (current === null) return current
      const next = new Map(current)
      if (isActive(job)) next.set(job.id, job)
      else next.delete(job.id)
      return next
    })
    if (!isActive(job)) {
      setProgress((current) => {
        if (!current.has(job.id)) return current
        const next = new Map(current)
        next.delete(job.id)
        return next
      })
    }
  })

  useCompanionEvent('uploads.progress', (p) => {
    setProgress((current) => new Map(current).set(p.jobId, p))
  })

  if (jobs === null) return null
  return [...jobs.values()]
    .sort((a, b) => (a.startedAt ?? a.queuedAt) - (b.startedAt ?? b.queuedAt) || a.id - b.id)
    .map((job) => ({ job, progress: progress.get(job.id) ?? null }))
}
