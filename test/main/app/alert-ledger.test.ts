import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALERT_REPEAT_MS, AlertLedger } from '../../../src/main/app/alert-ledger.ts'
import type { HealthAlertView } from '../../../src/shared/ipc-contract.ts'
import { tempDir } from '../../support/cli-process.ts'

const QUIET: HealthAlertView = {
  key: 'watch-folder',
  severity: 'warning',
  message: "No new Fermentrack backup for 3 days: check that Fermentrack's backups are on.",
}
const BEHIND: HealthAlertView = {
  key: 'destination:local',
  severity: 'warning',
  message: 'Nothing reached Local or NAS folder for 2 days: check the upload history.',
}

function clock(start = Date.UTC(2026, 11, 6, 8)) {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

describe('AlertLedger: one notification a day per alert', () => {
  it('lets an alert through once, then not again until a day has passed', () => {
    const time = clock()
    const ledger = new AlertLedger(join(tempDir('home'), 'health-alerts.json'), time.now)
    expect(ledger.take([QUIET])).toEqual([QUIET])
    time.advance(5 * 60_000)
    expect(ledger.take([QUIET])).toEqual([])
    time.advance(ALERT_REPEAT_MS - 5 * 60_000 - 1)
    expect(ledger.take([QUIET])).toEqual([])
    time.advance(1)
    expect(ledger.take([QUIET])).toEqual([QUIET])
  })

  it('counts each alert key on its own', () => {
    const time = clock()
    const ledger = new AlertLedger(join(tempDir('home'), 'health-alerts.json'), time.now)
    expect(ledger.take([QUIET])).toEqual([QUIET])
    time.advance(60_000)
    expect(ledger.take([QUIET, BEHIND])).toEqual([BEHIND])
  })

  it('remembers across a restart: a new ledger on the same file stays quiet', () => {
    const time = clock()
    const file = join(tempDir('home'), 'health-alerts.json')
    expect(new AlertLedger(file, time.now).take([QUIET])).toEqual([QUIET])
    time.advance(60 * 60_000)
    expect(new AlertLedger(file, time.now).take([QUIET])).toEqual([])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      'watch-folder': time.now() - 60 * 60_000,
    })
  })

  it('starts afresh from a damaged file instead of failing', () => {
    const file = join(tempDir('home'), 'health-alerts.json')
    writeFileSync(file, '{"watch-folder": "yesterday"')
    expect(new AlertLedger(file, clock().now).take([QUIET])).toEqual([QUIET])
  })

  it('forgets keys older than a day when it writes', () => {
    const time = clock()
    const file = join(tempDir('home'), 'health-alerts.json')
    const ledger = new AlertLedger(file, time.now)
    ledger.take([QUIET])
    time.advance(ALERT_REPEAT_MS + 1)
    ledger.take([BEHIND])
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['destination:local'])
  })
})
