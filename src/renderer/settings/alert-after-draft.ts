import { DURATION, durationSeconds } from '../../shared/duration.ts'

/** The units the window offers; a hand-written "90m" or "300s" keeps its own unit. */
export type AlertUnit = 's' | 'm' | 'h' | 'd'

/** `alertAfter` as typed: a whole number and a unit. */
export interface AlertAfterDraft {
  amount: string
  unit: AlertUnit
}

export const ALERT_UNIT_LABELS: Record<AlertUnit, string> = {
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
}

export function toAlertAfterDraft(alertAfter: string): AlertAfterDraft {
  const match = DURATION.exec(alertAfter.trim())
  return match ? { amount: match[1]!, unit: match[2] as AlertUnit } : { amount: '2', unit: 'd' }
}

/** The setting's text ("3d"), or the problem in words. */
export function alertAfterText(draft: AlertAfterDraft): string | { error: string } {
  const text = `${draft.amount.trim()}${draft.unit}`
  if (durationSeconds(text) === undefined)
    return { error: 'Enter a whole number of days or hours, at least 1.' }
  return text
}
