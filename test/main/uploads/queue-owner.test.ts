import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../../src/main/engine.ts'
import { LeaseClaimer } from '../../../src/main/store/lease.ts'
import { nudgeQueue, QueueOwner, queuePath } from '../../../src/main/uploads/queue-owner.ts'
import { tempDir } from '../../support/cli-process.ts'
import { waitFor } from '../../support/wait-for.ts'
import { fakeLog } from '../app/fake-log.ts'

/** What the owner did with the queue, in order. */
function recorder() {
  const calls: string[] = []
  return {
    calls,
    runner: {
      start: () => void calls.push('start'),
      nudge: () => void calls.push('nudge'),
      stop: async () => void calls.push('stop'),
    },
  }
}

const owners: QueueOwner[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(owners.splice(0).map((o) => o.release()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function home(): string {
  const dir = tempDir('owner')
  dirs.push(dir)
  return dir
}

function owner(dir: string, lease = {}) {
  const { calls, runner } = recorder()
  const log = fakeLog()
  const created = new QueueOwner(dir, runner, log, lease)
  owners.push(created)
  return { owner: created, calls, log }
}

describe('QueueOwner', () => {
  it('of two claiming at once one runs the queue; the other takes over once it is released', async () => {
    const dir = home()
    const a = owner(dir)
    const b = owner(dir)
    await Promise.all([a.owner.claim(), b.owner.claim()])
    // Whoever lost rang the winner's doorbell.
    expect([a.calls, b.calls]).toEqual([['start', 'nudge'], []])
    await a.owner.release()
    expect(a.calls).toEqual(['start', 'nudge', 'stop'])
    await waitFor(() => b.owner.owns, { what: 'the other to take over', timeoutMs: 10_000 })
    expect(b.calls).toEqual(['start'])
  })

  it('released while its claim is under way, it never starts the queue and leaves the lease free', async () => {
    const dir = home()
    const a = owner(dir)
    const claim = a.owner.claim()
    await a.owner.release()
    await claim
    expect(a.calls).toEqual([])
    expect(new LeaseClaimer(dir, 'queue').tryClaim()?.release()).toBeUndefined()
    expect(existsSync(queuePath(dir))).toBe(false)
  })

  it('replaces a stale queue.sock, and answers rings on it', async () => {
    const dir = home()
    // What a killed owner leaves: a socket file with nobody listening behind it.
    const crashed = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(queuePath(dir))}, () => console.log('up'))`,
    ])
    await new Promise((resolve) => crashed.stdout.once('data', resolve))
    crashed.kill('SIGKILL')
    await new Promise((resolve) => crashed.once('exit', resolve))
    expect(existsSync(queuePath(dir))).toBe(true)
    expect(await nudgeQueue(dir)).toBe(false)
    const a = owner(dir)
    await a.owner.claim()
    expect(await nudgeQueue(dir)).toBe(true)
    expect(a.calls).toEqual(['start', 'nudge'])
  })

  it('runs the queue without a doorbell when the socket path cannot be listened on', async () => {
    // A unix socket path is limited to ~108 bytes; a home this deep can hold files but no socket.
    const dir = join(home(), 'x'.repeat(60), 'y'.repeat(60))
    mkdirSync(dir, { recursive: true })
    const a = owner(dir)
    await a.owner.claim()
    expect(a.calls).toEqual(['start'])
    expect(a.log.records.map((r) => r.message)).toContain('could not listen for queue nudges')
    // Still the only owner.
    const b = owner(dir)
    await b.owner.claim()
    expect(b.calls).toEqual([])
  })

  it('stops the queue when it finds its lease taken, and stops ringing the doorbell', async () => {
    const dir = home()
    const a = owner(dir, { heartbeatMs: 20 })
    await a.owner.claim()
    const db = new DatabaseSync(join(dir, 'leases.db'))
    db.prepare(`UPDATE leases SET token = 'another owner' WHERE name = 'queue'`).run()
    db.close()
    await waitFor(() => a.calls.includes('stop'), { what: 'the queue to stop' })
    expect(a.calls).toEqual(['start', 'stop'])
    await waitFor(() => !a.owner.owns, { what: 'ownership to end' })
  })
})

describe('the engine closing', () => {
  it('while its queue claim is under way does not start the queue on a closed store', async () => {
    const env = { FTB_HOME: home(), FTB_LOCAL_DESTINATION: home(), DROPBOX_APP_KEY: '' }
    const engine = await createEngine({ env })
    const claim = engine.uploads.process()
    await engine.close()
    await expect(claim).resolves.toBeUndefined()
    expect(engine.uploads.isOwner).toBe(false)
    // The lease was left free: the next process owns the queue at once.
    const next = await createEngine({ env })
    await next.uploads.process()
    expect(next.uploads.isOwner).toBe(true)
    await next.close()
  })
})
