import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { runCli } from '../../../support/cli-process.ts'
import { nextcloudHomePerTest } from '../../../support/nextcloud-fixture.ts'

vi.setConfig({ testTimeout: 60_000 })
const openHome = nextcloudHomePerTest()

describe('connect nextcloud (Login Flow v2 through the CLI)', () => {
  it('prints the login URL first, polls until granted, and stores the app password only as a secret', async () => {
    const h = await openHome({ emulator: { quotaBytes: 1024 * 1024 * 1024 } })
    expect(h.connected.account).toMatchObject({ name: 'Brewer Example' })
    const [appPassword] = h.nc.activeAppPasswords()
    expect(appPassword).toBeDefined()
    // The poll was answered 404 until the test granted, then 200 once.
    const polls = h.nc.requests.filter((r) => r.path === '/index.php/login/v2/poll')
    expect(polls.at(-1)!.status).toBe(200)
    expect(polls.filter((r) => r.status === 200)).toHaveLength(1)
    const settings = readFileSync(join(h.home, 'settings.json'), 'utf8')
    expect(settings).not.toContain(appPassword!)
    expect(JSON.parse(settings).connections[0]).toMatchObject({
      provider: 'nextcloud',
      account: { id: `brewer@${new URL(h.nc.url).host}` },
      config: { url: h.nc.url, userId: 'brewer', loginName: 'brewer@example.com' },
      space: { used: 0, allocated: 1024 * 1024 * 1024 },
    })
    const list = await runCli(['connections', '--json'], h.env)
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).not.toContain(appPassword!)
    expect(list.stdout).toContain(h.connectionId)
  })

  it('disconnect deletes the app password at the server', async () => {
    const h = await openHome()
    expect(h.nc.activeAppPasswords()).toHaveLength(1)
    const result = await runCli(['disconnect', h.connectionId], h.env)
    expect(result.code, result.stderr).toBe(0)
    expect(h.nc.activeAppPasswords()).toEqual([])
    const deletes = h.nc.requests.filter((r) => r.path === '/ocs/v2.php/core/apppassword')
    expect(deletes).toMatchObject([{ method: 'DELETE', status: 200 }])
    expect(deletes[0]!.headers['ocs-apirequest']).toBe('true')
  })

  it.each([
    ['cloud example', 'is not a Nextcloud server address'],
    ['http://cloud.example.com', 'is plain http'],
  ])('refuses the server address "%s" in one line, and saves nothing', async (url, said) => {
    const h = await openHome()
    const result = await runCli(['connect', 'nextcloud', '--url', url, '--no-browser'], h.env)
    expect(result.code).not.toBe(0)
    const lines = result.stderr.trim().split('\n')
    expect(lines.filter((l) => !l.startsWith('Warning:'))).toHaveLength(1)
    expect(result.stderr).toContain(said)
    const connections = JSON.parse(readFileSync(join(h.home, 'settings.json'), 'utf8')).connections
    expect(connections).toHaveLength(1)
  })
})
