import { useCallback } from 'react'
import type { CompanionApi, JobView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useToast, type ToastInput } from '../toast-context.ts'
import type { WindowDrop } from './use-window-drop.ts'

/** The contract takes at most this many paths per call. */
const MAX_PATHS = 1000
export const ALL_DESTINATIONS = '*'

/**
 * Queues dropped files at once. Main checks each path again (a regular, readable file) and its
 * message names the file and the fix, so it is shown as it comes. One bad file fails the whole
 * call, so on failure each file is sent alone: the good ones are still queued.
 */
export function useDropUpload(): (drop: WindowDrop) => Promise<void> {
  const api = useCompanion()
  const toast = useToast()
  return useCallback(
    async ({ files, target }: WindowDrop) => {
      if (files.length === 0) {
        toast({
          kind: 'error',
          title: 'Only files can be uploaded',
          message:
            'Drag backup files (such as a .tar.xz from Fermentrack) from your file manager; text and links can’t be uploaded.',
        })
        return
      }
      const paths: string[] = []
      const notOnDisk: string[] = []
      for (const file of files) {
        const path = api.pathForFile(file)
        if (path) paths.push(path)
        else notOnDisk.push(file.name || 'The dropped item')
      }
      if (notOnDisk.length > 0) {
        toast({
          kind: 'error',
          title: `Can’t upload ${notOnDisk.join(', ')}`,
          message:
            'It isn’t a file on this computer (dragged from a web page or an archive?). Save it to a folder first, then drop the saved file here.',
        })
      }
      if (paths.length === 0) return
      const connectionId = target && target !== ALL_DESTINATIONS ? target : undefined
      const queued: JobView[] = []
      for (let i = 0; i < paths.length; i += MAX_PATHS) {
        queued.push(...(await enqueue(api, paths.slice(i, i + MAX_PATHS), connectionId, toast)))
      }
      if (queued.length > 0) toast(summarize(queued))
    },
    [api, toast],
  )
}

async function enqueue(
  api: CompanionApi,
  paths: string[],
  connectionId: string | undefined,
  toast: (t: ToastInput) => void,
): Promise<JobView[]> {
  const scope = connectionId ? { connectionId } : {}
  const all = await api['uploads.enqueue']({ paths, ...scope })
  if (all.ok) return all.value
  if (paths.length === 1) {
    toast({
      kind: 'error',
      title: `Couldn’t queue ${baseName(paths[0]!)}`,
      message: all.error.message,
    })
    return []
  }
  const one = await Promise.all(paths.map((p) => api['uploads.enqueue']({ paths: [p], ...scope })))
  const jobs: JobView[] = []
  one.forEach((result, i) => {
    if (result.ok) jobs.push(...result.value)
    else
      toast({
        kind: 'error',
        title: `Couldn’t queue ${baseName(paths[i]!)}`,
        message: result.error.message,
      })
  })
  return jobs
}

function summarize(jobs: JobView[]): ToastInput {
  const files = (list: JobView[]) => new Set(list.map((j) => j.path)).size
  const fresh = files(jobs.filter((j) => j.state !== 'done'))
  const already = files(jobs.filter((j) => j.state === 'done'))
  const backups = (n: number) => `${n} ${n === 1 ? 'backup' : 'backups'}`
  if (fresh === 0)
    return {
      kind: 'info',
      title: already === 1 ? 'Already uploaded' : `All ${already} already uploaded`,
      message: 'Nothing to do: the same file is already safe at every destination.',
    }
  return {
    kind: 'success',
    title: `Queued ${backups(fresh)} for upload`,
    ...(already > 0 ? { message: `${backups(already)} already uploaded, skipped.` } : {}),
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path
}
