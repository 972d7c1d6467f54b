import { useId } from 'react'
import { PrefRow, SwitchPref } from './PrefRow.tsx'
import type { FullSpeedDraft, RateUnit, UploadLimitDraft } from './upload-limit-draft.ts'

const UNIT_LABELS: Record<RateUnit, string> = {
  unlimited: 'Unlimited',
  KB: 'KB/s',
  MB: 'MB/s',
}

/** The upload speed limit (an amount and a unit, or Unlimited) and the hours it is lifted. */
export function UploadLimitFields(props: {
  limit: UploadLimitDraft
  fullSpeed: FullSpeedDraft
  limitError?: string
  fullSpeedError?: string
  onLimit: (limit: UploadLimitDraft) => void
  onFullSpeed: (fullSpeed: FullSpeedDraft) => void
}) {
  const ids = useId()
  const id = (name: string) => `${ids}-${name}`
  const { limit, fullSpeed } = props
  const describedBy = (hint: string, error?: string) =>
    `${id(hint)}${error ? ` ${id(`${hint}-error`)}` : ''}`
  const chooseUnit = (unit: RateUnit) =>
    // Coming from Unlimited, start from 1 so the field is valid and easy to change.
    props.onLimit({
      unit,
      amount: limit.amount === '' && unit !== 'unlimited' ? '1' : limit.amount,
    })
  return (
    <>
      <PrefRow
        label={<label htmlFor={id('unit')}>Upload speed limit</label>}
        hint="All uploads together stay under it, so a video call keeps its share of the line. Saving applies it at once, also to an upload in progress. 1 MB/s = 1024 KB/s."
        hintId={id('limit')}
        error={props.limitError}
        errorId={id('limit-error')}
      >
        <div className="inline-field">
          {limit.unit !== 'unlimited' && (
            <input
              className="input"
              type="number"
              min="0"
              step="any"
              inputMode="decimal"
              aria-label={`Upload speed limit in ${UNIT_LABELS[limit.unit]}`}
              value={limit.amount}
              onChange={(e) => props.onLimit({ ...limit, amount: e.target.value })}
              aria-invalid={Boolean(props.limitError)}
              aria-describedby={describedBy('limit', props.limitError)}
            />
          )}
          <select
            id={id('unit')}
            className="select"
            value={limit.unit}
            onChange={(e) => chooseUnit(e.target.value as RateUnit)}
            aria-describedby={id('limit')}
          >
            {(Object.keys(UNIT_LABELS) as RateUnit[]).map((unit) => (
              <option key={unit} value={unit}>
                {UNIT_LABELS[unit]}
              </option>
            ))}
          </select>
        </div>
      </PrefRow>
      <SwitchPref
        id={id('full-speed')}
        label="Full speed at night"
        hint="No limit during these hours (this computer's time), when nobody needs the line; the limit returns when they end, also mid-upload."
        checked={fullSpeed.on}
        onChange={(on) => props.onFullSpeed({ ...fullSpeed, on })}
      />
      {fullSpeed.on && (
        <PrefRow
          label="Full-speed hours"
          hint="From the first time until the second; 22:00 to 06:00 runs over midnight."
          hintId={id('hours')}
          error={props.fullSpeedError}
          errorId={id('hours-error')}
        >
          <div className="inline-field">
            {(['from', 'to'] as const).map((edge) => (
              <input
                key={edge}
                className="input"
                type="time"
                aria-label={edge === 'from' ? 'Full speed from' : 'Full speed until'}
                value={fullSpeed[edge]}
                onChange={(e) => props.onFullSpeed({ ...fullSpeed, [edge]: e.target.value })}
                aria-invalid={Boolean(props.fullSpeedError)}
                aria-describedby={describedBy('hours', props.fullSpeedError)}
              />
            ))}
          </div>
        </PrefRow>
      )}
    </>
  )
}
