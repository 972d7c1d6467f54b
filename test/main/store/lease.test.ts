import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { LeaseClaimer, type HeldLease } from '../../../src/main/store/lease.ts'
import { tempDir } from '../../support/cli-process.ts'
import { startLineProcess, type LineProcess } from '../../support/line-process.ts'
import { waitFor } from '../../support/wait-for.ts'

const HOLDER = resolve(import.meta.dirname, 'lease-holder.ts')
/** FTB_LEASE_ROUNDS=100 for a longer hunt; each round starts 6 claimers. */
const ROUNDS = Number(process.env.FTB_LEASE_ROUNDS ?? 5)

const processes: LineProcess[] = []
const held: HeldLease[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')))
  for (const lease of held.splice(0)) lease.release()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function home(): string {
  const dir = tempDir('lease')
  dirs.push(dir)
  return dir
}

/** A separate process that claims the lease when told to. */
async function startHolder(dir: string, name: string, heartbeatMs = 2000): Promise<LineProcess> {
  const holder = startLineProcess(HOLDER, [dir, name, String(heartbeatMs)])
  processes.push(holder)
  expect(await holder.next()).toBe('ready')
  return holder
}

function claim(claimer: LeaseClaimer): HeldLease | undefined {
  const lease = claimer.tryClaim()
  if (lease) held.push(lease)
  return lease
}

describe('named leases across processes', () => {
  it(
    'of several processes claiming at the same instant, exactly one holds the lease',
    { timeout: 30_000 + ROUNDS * 15_000 },
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const dir = home()
        const holders = await Promise.all(
          Array.from({ length: 6 }, () => startHolder(dir, 'queue')),
        )
        for (const holder of holders) holder.child.stdin.write('claim\n')
        const answers = await Promise.all(holders.map((h) => h.next()))
        expect(
          answers.filter((a) => a === 'won'),
          `round ${round}: ${answers}`,
        ).toHaveLength(1)
        expect(answers.filter((a) => a === 'refused')).toHaveLength(5)
        // Asked again, the holder's rivals are still refused: it is alive and its heartbeat fresh.
        const rival = holders[answers.indexOf('refused')]!
        rival.child.stdin.write('claim\n')
        expect(await rival.next()).toBe('refused')
        await Promise.all(holders.map((h) => h.kill('SIGKILL')))
      }
    },
  )

  it('a holder killed with kill -9 is taken over at the next claim', async () => {
    const dir = home()
    const holder = await startHolder(dir, 'queue')
    holder.child.stdin.write('claim\n')
    expect(await holder.next()).toBe('won')
    const claimer = new LeaseClaimer(dir, 'queue')
    expect(claim(claimer)).toBeUndefined()
    await holder.kill('SIGKILL')
    expect(claim(claimer)).toBeDefined()
  })

  it('a silent holder is taken over, and notices it lost the lease when it runs again', async () => {
    const dir = home()
    const holder = await startHolder(dir, 'queue', 50)
    holder.child.stdin.write('claim\n')
    expect(await holder.next()).toBe('won')
    // Stopped, it is alive but beats no more: the pid check can't free it, only the heartbeat.
    holder.child.kill('SIGSTOP')
    const claimer = new LeaseClaimer(dir, 'queue', { staleMs: 500 })
    const lease = await waitFor(() => claim(claimer), { what: 'the stale lease taken over' })
    expect(lease.lost).toBe(false)
    holder.child.kill('SIGCONT')
    expect(await holder.next()).toBe('lost')
    // And the new holder keeps it: the old one does not take it back.
    holder.child.stdin.write('claim\n')
    expect(await holder.next()).toBe('refused')
  })

  it('a holder finds out when its lease is taken from it', async () => {
    const dir = home()
    let lost = 0
    const lease = claim(new LeaseClaimer(dir, 'sign-in', { heartbeatMs: 20, onLost: () => lost++ }))
    expect(lease).toBeDefined()
    const db = new DatabaseSync(join(dir, 'leases.db'))
    db.prepare(`UPDATE leases SET token = 'someone else' WHERE name = 'sign-in'`).run()
    db.close()
    await waitFor(() => lost === 1, { what: 'the holder to notice' })
    expect(lease!.lost).toBe(true)
  })

  it('in one process a held lease is not claimed twice; a row left with our pid is stale', () => {
    const dir = home()
    const first = claim(new LeaseClaimer(dir, 'queue'))
    expect(first).toBeDefined()
    expect(claim(new LeaseClaimer(dir, 'queue'))).toBeUndefined()
    // Another name is another lease.
    expect(claim(new LeaseClaimer(dir, 'sign-in'))).toBeDefined()
    first!.release()
    expect(claim(new LeaseClaimer(dir, 'queue'))).toBeDefined()

    // A process before this one had our pid (a restarted container) and died holding the lease.
    const db = new DatabaseSync(join(dir, 'leases.db'))
    db.prepare(`UPDATE leases SET token = 'before us' WHERE name = 'sign-in'`).run()
    db.close()
    expect(claim(new LeaseClaimer(dir, 'sign-in'))).toBeDefined()
  })
})
