import { sourceProblem } from '../../shared/source-check.ts'
import {
  firstSource,
  remoteSubfolderFromLabel,
  sourceIdFromLabel,
} from '../../shared/source-names.ts'
import type { SourceSetting } from '../api-types.ts'

/**
 * One Fermentrack as the form holds it: the folder may not be chosen yet, and the remote
 * subfolder is the text typed ("" sends backups straight into each destination's folder).
 */
export interface SourceDraft {
  id: string
  label: string
  folder: string | null
  remoteSubfolder: string
  destinations: string[] | null
}

export function toSourceDrafts(sources: readonly SourceSetting[]): SourceDraft[] {
  return sources.map((s) => ({ ...s, remoteSubfolder: s.remoteSubfolder ?? '' }))
}

/**
 * A new row. The first Fermentrack uploads straight into the remote folder (as the setup
 * checklist's does); another one is named "Brewhouse N" and keeps its backups apart in a
 * subfolder named after it.
 */
export function newSourceDraft(existing: readonly SourceDraft[]): SourceDraft {
  if (existing.length === 0) return { ...firstSource(''), folder: null, remoteSubfolder: '' }
  const labels = existing.map((s) => s.label.trim().toLowerCase())
  let n = existing.length + 1
  while (labels.includes(`brewhouse ${n}`)) n++
  const label = `Brewhouse ${n}`
  const id = sourceIdFromLabel(
    label,
    existing.map((s) => s.id),
  )
  return {
    id,
    label,
    folder: null,
    remoteSubfolder: remoteSubfolderFromLabel(label) ?? '',
    destinations: null,
  }
}

export function fromSourceDraft(draft: SourceDraft): SourceSetting {
  const subfolder = draft.remoteSubfolder.trim().replace(/^\/+|\/+$/g, '')
  return {
    id: draft.id,
    label: draft.label.trim(),
    folder: draft.folder ?? '',
    remoteSubfolder: subfolder === '' ? null : subfolder,
    destinations: draft.destinations,
  }
}

/** Each row's problem (or null), checked against the rows above it, as main checks them too. */
export function sourceErrors(drafts: readonly SourceDraft[]): (string | null)[] {
  const sources = drafts.map(fromSourceDraft)
  return drafts.map((draft, index) => {
    if (draft.folder === null) return 'Choose the folder this Fermentrack saves its backups to.'
    if (draft.destinations?.length === 0) return 'Choose at least one destination.'
    const problem = sourceProblem(sources[index]!, sources.slice(0, index))
    return problem && `${problem[0]!.toUpperCase()}${problem.slice(1)}.`
  })
}

export function sameSources(a: readonly SourceSetting[], b: readonly SourceSetting[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
