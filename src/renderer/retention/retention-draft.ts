import '../zod-config.ts'
import { RetentionPolicy } from '../../shared/settings-schema.ts'

/** The rules in the order the editor shows them, each with what it means to a brewer. */
export const RULES = [
  { key: 'keepLast', label: 'Keep the newest', unit: 'backups' },
  { key: 'keepDays', label: 'Keep everything from the last', unit: 'days' },
  { key: 'keepDaily', label: 'Keep one a day for', unit: 'days' },
  { key: 'keepWeekly', label: 'Keep one a week for', unit: 'weeks' },
  { key: 'keepMonthly', label: 'Keep one a month for', unit: 'months' },
] as const

export type RuleKey = (typeof RULES)[number]['key']

/** The editor's fields as typed: an empty field is a rule that is off. */
export type RetentionDraft = Record<RuleKey, string>

export type DraftErrors = Partial<Record<RuleKey, string>>

export function toDraft(policy: RetentionPolicy): RetentionDraft {
  const text = (n: number | null | undefined) => (typeof n === 'number' ? String(n) : '')
  return {
    keepLast: text(policy.keepLast),
    keepDays: text(policy.keepDays),
    keepDaily: text(policy.keepDaily),
    keepWeekly: text(policy.keepWeekly),
    keepMonthly: text(policy.keepMonthly),
  }
}

/**
 * The draft as a policy, checked by the settings file's own schema, so the editor accepts
 * exactly what main will save. Errors are per field; the policy is null while any remains.
 */
export function parseDraft(draft: RetentionDraft): {
  policy: RetentionPolicy | null
  errors: DraftErrors
} {
  const candidate: Record<string, number> = {}
  const errors: DraftErrors = {}
  for (const { key } of RULES) {
    const text = draft[key].trim()
    if (text === '') continue
    // "3.5" or "1e3" are numbers to JavaScript but not a count of backups.
    if (!/^\d+$/.test(text)) errors[key] = 'A whole number, or empty for off.'
    else candidate[key] = Number(text)
  }
  const checked = RetentionPolicy.safeParse(candidate)
  if (!checked.success)
    for (const issue of checked.error.issues) {
      const key = issue.path[0] as RuleKey
      errors[key] ??= 'From 1 to 100000, or empty for off.'
    }
  const valid = checked.success && Object.keys(errors).length === 0
  return { policy: valid ? checked.data : null, errors }
}

export function isOff(policy: RetentionPolicy): boolean {
  return !Object.values(policy).some((n) => typeof n === 'number')
}

/** Two policies equal rule by rule (absent and null are both "off"). */
export function samePolicy(a: RetentionPolicy, b: RetentionPolicy): boolean {
  return RULES.every(({ key }) => (a[key] ?? null) === (b[key] ?? null))
}
