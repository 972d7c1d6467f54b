import { slowDownReason, type SlowDown } from '../../shared/slow-down.ts'
import type { ProviderId } from '../../shared/settings-schema.ts'
import { providerName } from '../providers/registry.ts'
import type { Job } from './job-types.ts'

/**
 * A queued job that a 429 sent back with a wait (rate_limited, not before a later time) is
 * waiting for its provider, not failing: say so, naming the provider as the registry does.
 */
export function slowDownOf(
  job: Job,
  now: number,
  provider: ProviderId | undefined,
): SlowDown | undefined {
  if (job.state !== 'queued' || job.errorCode !== 'rate_limited' || job.notBefore <= now) return
  const name = provider ? providerName(provider) : 'The storage provider'
  return { until: job.notBefore, reason: slowDownReason(name) }
}
