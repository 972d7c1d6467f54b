// Prints the README's troubleshooting table from the error table, so the two never drift apart.
// Usage: node scripts/troubleshooting.ts > /dev/stdout (paste between the README's markers).
import { ERROR_CODES } from '../src/shared/error-codes.ts'

export function troubleshootingTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { cause, fix }]) => `| \`${code}\` | ${cause} | ${fix.replace(/\|/g, '\\|')} |`,
  )
  return ['| code | what it means | what to do |', '| --- | --- | --- |', ...rows].join('\n')
}

if (import.meta.main) process.stdout.write(troubleshootingTable() + '\n')
