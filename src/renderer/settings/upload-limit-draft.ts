import '../zod-config.ts'
import { BandwidthLimit, BandwidthSchedule, KB, MB } from '../../shared/upload-limit.ts'
import type { SettingsView } from '../api-types.ts'

export type RateUnit = 'unlimited' | 'KB' | 'MB'
const UNIT_BYTES = { KB, MB } as const

/** The limit as typed: an amount in a unit, or Unlimited. */
export interface UploadLimitDraft {
  unit: RateUnit
  amount: string
}

/** The full-speed hours as typed; `on` false keeps the times for when it is switched on again. */
export interface FullSpeedDraft {
  on: boolean
  from: string
  to: string
}

export const DEFAULT_FULL_SPEED = { from: '00:00', to: '06:00' }

export function toUploadLimitDraft(bytesPerSecond: number): UploadLimitDraft {
  if (bytesPerSecond === 0) return { unit: 'unlimited', amount: '' }
  const unit = bytesPerSecond % MB === 0 ? 'MB' : 'KB'
  return { unit, amount: String(bytesPerSecond / UNIT_BYTES[unit]) }
}

export function toFullSpeedDraft(schedule: SettingsView['bandwidthSchedule']): FullSpeedDraft {
  if (schedule === null) return { on: false, ...DEFAULT_FULL_SPEED }
  return { on: true, from: schedule.fullSpeedFrom, to: schedule.fullSpeedTo }
}

/** Bytes per second, or the reason the amount is not one; the settings schema has the last word. */
export function uploadLimitBytes(draft: UploadLimitDraft): number | { error: string } {
  if (draft.unit === 'unlimited') return 0
  const amount = Number(draft.amount.trim().replace(',', '.'))
  const bytes = Math.round(amount * UNIT_BYTES[draft.unit])
  if (draft.amount.trim() === '' || !Number.isFinite(amount) || bytes < 1)
    return { error: `Enter a speed above 0 ${draft.unit}/s, or choose Unlimited.` }
  const checked = BandwidthLimit.safeParse(bytes)
  return checked.success ? bytes : { error: `The limit ${checked.error.issues[0]?.message}.` }
}

export function fullSpeedSchedule(
  draft: FullSpeedDraft,
): SettingsView['bandwidthSchedule'] | { error: string } {
  if (!draft.on) return null
  const checked = BandwidthSchedule.safeParse({ fullSpeedFrom: draft.from, fullSpeedTo: draft.to })
  if (checked.success) return checked.data
  const issue = checked.error.issues[0]
  const which = issue?.path[0] === 'fullSpeedFrom' ? 'The start' : 'The end'
  return { error: `${which} ${issue?.message}.` }
}

export const isError = (value: unknown): value is { error: string } =>
  typeof value === 'object' && value !== null && 'error' in value
