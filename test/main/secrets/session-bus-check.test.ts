import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionBusState } from '../../../src/main/secrets/session-bus-check.ts'

describe('sessionBusState', () => {
  let scratch: string
  const servers: Server[] = []
  const connections = new Set<Socket>()

  const listen = async (name: string, answer: boolean) => {
    const server = createServer((connection) => {
      connections.add(connection)
      connection.once('data', () => {
        if (answer) connection.write('REJECTED EXTERNAL\r\n')
      })
    })
    servers.push(server)
    const path = join(scratch, name)
    await new Promise<void>((resolve) => server.listen(path, resolve))
    return path
  }

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ftb-bus-'))
  })

  afterAll(async () => {
    for (const connection of connections) connection.destroy()
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
    rmSync(scratch, { recursive: true, force: true })
  })

  it('finds a bus that answers the authentication greeting', async () => {
    const path = await listen('answers.sock', true)
    expect(await sessionBusState(`unix:path=${path},guid=0123456789abcdef`, 2000)).toBe('answers')
  })

  it('reports a socket that accepts but never answers as silent, within the limit', async () => {
    const path = await listen('silent.sock', false)
    const started = Date.now()
    expect(await sessionBusState(`unix:path=${path}`, 300)).toBe('silent')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('tries the addresses of a list in order, skipping ones that refuse', async () => {
    const path = await listen('second.sock', true)
    const address = `unix:path=${join(scratch, 'missing.sock')};unix:path=${path}`
    expect(await sessionBusState(address, 2000)).toBe('answers')
  })

  it('decodes %-escaped paths', async () => {
    const path = await listen('with space.sock', true)
    expect(await sessionBusState(`unix:path=${path.replace(' ', '%20')}`, 2000)).toBe('answers')
  })

  it('leaves to libsecret what it cannot judge', async () => {
    expect(await sessionBusState(undefined, 300)).toBe('unknown')
    expect(await sessionBusState(`unix:path=${join(scratch, 'missing.sock')}`, 300)).toBe('unknown')
    expect(await sessionBusState('tcp:host=127.0.0.1,port=1', 300)).toBe('unknown')
    expect(await sessionBusState('unix:tmpdir=/tmp', 300)).toBe('unknown')
  })

  it.skipIf(!process.env.DBUS_SESSION_BUS_ADDRESS)('finds the real session bus', async () => {
    expect(await sessionBusState(process.env.DBUS_SESSION_BUS_ADDRESS, 2000)).toBe('answers')
  })
})
