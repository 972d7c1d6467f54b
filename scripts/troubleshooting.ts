// The README's troubleshooting table, generated from the error table so the two never drift apart.
// `node scripts/troubleshooting.ts` prints it; `--write` replaces it in README.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { ERROR_CODES } from '../src/shared/error-codes.ts'

export function troubleshootingTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { cause, fix }]) => `| \`${code}\` | ${cause} | ${fix.replace(/\|/g, '\\|')} |`,
  )
  return ['| code | what it means | what to do |', '| --- | --- | --- |', ...rows].join('\n')
}

if (import.meta.main) {
  if (process.argv.includes('--write')) {
    const readme = new URL('../README.md', import.meta.url)
    const text = readFileSync(readme, 'utf8').replace(
      /(<!-- troubleshooting:start -->\n)[\s\S]*?(\n<!-- troubleshooting:end -->)/,
      `$1\n${troubleshootingTable()}\n$2`,
    )
    writeFileSync(readme, text)
  } else {
    process.stdout.write(troubleshootingTable() + '\n')
  }
}
