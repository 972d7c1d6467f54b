import { connectionProblem } from '../shared/connection-status.ts'
import type { Connection } from '../shared/settings-schema.ts'

/** The connection as the CLI contract prints it with --json. */
export function connectionJson(connection: Connection) {
  return {
    connection_id: connection.id,
    provider: connection.provider,
    account: { name: connection.account.name, email: connection.account.email },
    status: connection.status,
  }
}

export function connectionLine(connection: Connection): string {
  const space = connection.space
    ? `, ${formatBytes(connection.space.used)} of ${formatBytes(connection.space.allocated)} used`
    : ''
  const problem = connectionProblem(connection.status)
  const status = problem ? ` [${problem}]` : ''
  return `${connection.id}  ${connection.provider}  ${connection.account.name} <${connection.account.email}>${space}${status}`
}

/** "content_hash <hex>" for Dropbox's (the CLI's first contract), else "<algorithm> <value>". */
export function checksumText(job: {
  contentHash: string | null
  checksumAlgorithm: string | null
}) {
  const label =
    !job.checksumAlgorithm || job.checksumAlgorithm === 'dropbox-content-hash'
      ? 'content_hash'
      : job.checksumAlgorithm
  return `${label} ${job.contentHash}`
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}
