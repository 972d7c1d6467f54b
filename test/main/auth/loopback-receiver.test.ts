import { request } from 'node:http'
import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { LoopbackReceiver } from '../../../src/main/auth/loopback-receiver.ts'
import type { SignInAnswer } from '../../../src/main/auth/redirect-receiver.ts'

const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** A GET to `address` with the Host header a browser sends for the redirect URI. */
function get(address: string, port: number, host: string, path = '/oauth/callback?code=c&state=s') {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: address, port, path, headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

async function started(port: number, host?: '127.0.0.1' | 'localhost') {
  const answers: SignInAnswer[] = []
  const receiver = new LoopbackReceiver(port, host)
  await receiver.start(async (answer) => void answers.push(answer))
  cleanup.push(() => receiver.close())
  const bound = Number(new URL(receiver.redirectUri).port)
  return { receiver, answers, bound }
}

function occupy(port: number, address: string): Promise<Server> {
  const server = createServer()
  cleanup.push(() => new Promise((resolve) => server.close(resolve)))
  return new Promise((resolve) => server.listen(port, address, () => resolve(server)))
}

describe('LoopbackReceiver', () => {
  it('names 127.0.0.1 by default and refuses a request for another host name', async () => {
    const { receiver, answers, bound } = await started(0)
    expect(receiver.redirectUri).toBe(`http://127.0.0.1:${bound}/oauth/callback`)
    expect(await get('127.0.0.1', bound, `localhost:${bound}`)).toBe(421)
    expect(answers).toEqual([])
    expect(await get('127.0.0.1', bound, `127.0.0.1:${bound}`)).toBe(200)
    expect(answers).toHaveLength(1)
  })

  it('for localhost, answers on 127.0.0.1 and on ::1 at one port, whichever the browser resolves', async () => {
    for (const address of ['127.0.0.1', '::1']) {
      const { receiver, answers, bound } = await started(0, 'localhost')
      expect(receiver.redirectUri).toBe(`http://localhost:${bound}/oauth/callback`)
      // DNS rebinding: a page at another name reaching this port is refused.
      expect(await get(address, bound, `127.0.0.1:${bound}`)).toBe(421)
      expect(await get(address, bound, `localhost:${bound}`)).toBe(200)
      expect(answers).toEqual([
        { kind: 'url', url: `http://localhost:${bound}/oauth/callback?code=c&state=s` },
      ])
    }
  })

  it('for localhost at a fixed port taken on ::1 only, says the port is in use and holds nothing', async () => {
    const taken = await occupy(0, '::1')
    const port = (taken.address() as { port: number }).port
    const receiver = new LoopbackReceiver(port, 'localhost')
    await expect(receiver.start(async () => {})).rejects.toMatchObject({
      code: 'loopback_port_in_use',
      message: expect.stringContaining(`Port ${port} on ::1 is already in use.`),
    })
    // 127.0.0.1 was let go again: another process can have the port there.
    await occupy(port, '127.0.0.1')
  })
})
