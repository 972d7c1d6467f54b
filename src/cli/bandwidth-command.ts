import { AppError } from '../shared/app-error.ts'
import { BandwidthSchedule, formatRate } from '../shared/upload-limit.ts'
import type { Engine } from '../main/engine.ts'
import { bandwidthFromEnv, effectiveLimit, parseRate } from '../main/net/bandwidth-setting.ts'
import { printJson } from './output.ts'

export const BANDWIDTH_FLAGS = {
  rate: { type: 'string' },
  'full-speed': { type: 'string' },
} as const

export interface BandwidthOptions {
  rate?: string
  'full-speed'?: string
  json: boolean
}

/** --rate as bytes per second: "8M", "500K", plain bytes, 0 for unlimited. */
function rateFlag(text: string): number {
  const bytes = parseRate(text)
  if (bytes === undefined)
    throw new AppError(
      'usage',
      `--rate "${text}" is not a rate: use bytes per second, e.g. 8M, 500K or 0 for unlimited.`,
    )
  return bytes
}

/** --full-speed "00:00-06:00" (local time) as the schedule, or "off" for none. */
function fullSpeedFlag(text: string): BandwidthSchedule | null {
  if (text.trim().toLowerCase() === 'off') return null
  const [from = '', to = ''] = text.split(/[-–]/).map((part) => part.trim())
  const checked = BandwidthSchedule.safeParse({ fullSpeedFrom: from, fullSpeedTo: to })
  if (checked.success) return checked.data
  const issue = checked.error.issues[0]
  const which = issue?.path[0] === 'fullSpeedFrom' ? 'start' : 'end'
  throw new AppError(
    'usage',
    `--full-speed "${text}": the ${which} ${issue?.message}; give the hours as 00:00-06:00, or off.`,
  )
}

/** Shows or sets the upload speed limit and the local hours when it is lifted. */
export function bandwidthCommand(
  engine: Engine,
  options: BandwidthOptions,
  env: NodeJS.ProcessEnv,
): void {
  // Both checked before either is saved: a bad flag changes nothing.
  const rate = options.rate === undefined ? undefined : rateFlag(options.rate)
  const flag = options['full-speed']
  const schedule = flag === undefined ? undefined : fullSpeedFlag(flag)
  if (rate !== undefined || schedule !== undefined) {
    engine.settings.update((s) => ({
      ...s,
      ...(rate !== undefined && { bandwidthLimit: rate }),
      ...(schedule !== undefined && { bandwidthSchedule: schedule }),
    }))
    engine.log.info('bandwidth set', { rate, schedule })
  }
  const s = engine.settings.get()
  const fromEnv = bandwidthFromEnv(env)
  const inForce = effectiveLimit(fromEnv, s, new Date())
  if (options.json) {
    return printJson({
      bandwidth_limit: s.bandwidthLimit,
      full_speed: s.bandwidthSchedule && {
        from: s.bandwidthSchedule.fullSpeedFrom,
        to: s.bandwidthSchedule.fullSpeedTo,
      },
      env_limit: fromEnv ?? null,
      in_force: inForce,
    })
  }
  const hours = s.bandwidthSchedule
  const lines = [
    `Upload speed limit: ${formatRate(s.bandwidthLimit)}`,
    `Full speed: ${hours ? `${hours.fullSpeedFrom}–${hours.fullSpeedTo} (local time)` : 'off'}`,
    ...(fromEnv === undefined
      ? []
      : [`FTB_BANDWIDTH_LIMIT overrides the saved limit: ${formatRate(fromEnv)}`]),
    `In force now: ${formatRate(inForce)}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}
