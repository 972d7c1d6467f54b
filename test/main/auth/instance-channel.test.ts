import { existsSync, rmSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  channelPath,
  listenInstanceChannel,
  sendOpenUrl,
} from '../../../src/main/auth/instance-channel.ts'
import { tempDir } from '../../support/cli-process.ts'
import { startLineProcess, type LineProcess } from '../../support/line-process.ts'
import { waitFor } from '../../support/wait-for.ts'

const LISTENER = resolve(import.meta.dirname, 'channel-listener.ts')
const URL = 'fermentrack-backup://oauth/callback?code=abc&state=xyz'

const processes: LineProcess[] = []
const channels: Array<{ close(): Promise<void> }> = []
const sockets: Socket[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(channels.splice(0).map((c) => c.close()))
  await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function home(): string {
  const dir = tempDir('channel')
  dirs.push(dir)
  return dir
}

async function listen(dir: string, idleMs?: number, received: string[] = []) {
  const channel = await listenInstanceChannel(dir, async (url) => void received.push(url), {
    idleMs,
  })
  channels.push(channel)
  return channel
}

/** A raw client: what it was answered, and whether the server ended its side. */
function rawClient(path: string) {
  // allowHalfOpen: it does not close its side when the server does, as a stuck client would not.
  const socket = createConnection({ path, allowHalfOpen: true })
  sockets.push(socket)
  const seen = { answer: '', ended: false }
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (seen.answer += chunk))
  socket.on('end', () => (seen.ended = true))
  socket.on('error', () => {})
  return { socket, seen }
}

function reply(text: string): { ok: boolean; error?: { code: string; message: string } } {
  return JSON.parse(text)
}

describe('the sign-in instance channel', () => {
  it('answers a connection that sends nothing with an error, then cuts it off, so it never holds the channel', async () => {
    const dir = home()
    const channel = await listen(dir, 300)
    const { seen } = rawClient(channelPath(dir))
    await waitFor(() => seen.ended, { what: 'the idle client to be answered' })
    expect(reply(seen.answer).error).toMatchObject({
      code: 'malformed_callback',
      message: expect.stringContaining('No sign-in address arrived'),
    })
    // The client never closes its side: the server cuts it off, so it can still close.
    channels.splice(channels.indexOf(channel), 1)
    let closed = false
    void channel.close().then(() => (closed = true))
    await waitFor(() => closed, { what: 'the channel to close, the silent client still there' })
  })

  it('refuses a message over the size limit with a clear error, without reading the rest of it', async () => {
    const dir = home()
    const received: string[] = []
    await listen(dir, 300, received)
    const { socket, seen } = rawClient(channelPath(dir))
    let written: Error | null | undefined
    // 16 MiB and no newline: far past the 64 KiB limit and the kernel's socket buffers.
    socket.write(Buffer.alloc(16 * 1024 * 1024, 'a'), (error) => (written = error ?? null))
    await waitFor(() => seen.ended, { what: 'the answer' })
    expect(reply(seen.answer).error).toMatchObject({
      code: 'malformed_callback',
      message: expect.stringContaining('longer than 64 KiB'),
    })
    // The server stopped reading at the limit, so the rest was never taken: the write fails.
    await waitFor(() => written !== undefined, { what: 'the big write to end' })
    expect(written).toBeInstanceOf(Error)
    // And the channel still takes a real answer.
    await sendOpenUrl(dir, URL)
    expect(received).toEqual([URL])
  })

  it('says a too-long address is one before sending it', async () => {
    const dir = home()
    const received: string[] = []
    await listen(dir, undefined, received)
    await expect(sendOpenUrl(dir, `${URL}&pad=${'x'.repeat(70_000)}`)).rejects.toMatchObject({
      code: 'malformed_callback',
      message: expect.stringContaining('longer than 64 KiB'),
    })
    expect(received).toEqual([])
  })

  it('of several sign-ins starting at once over a stale socket, exactly one waits; the others are told one already does', async () => {
    const dir = home()
    // What a killed sign-in leaves: its socket file, with nobody listening behind it.
    const crashed = startLineProcess(LISTENER, [dir])
    processes.push(crashed)
    expect(await crashed.next()).toBe('ready')
    crashed.child.stdin.write('listen\n')
    expect(await crashed.next()).toBe('listening')
    await crashed.kill('SIGKILL')
    expect(existsSync(channelPath(dir))).toBe(true)

    const listeners = Array.from({ length: 4 }, () => startLineProcess(LISTENER, [dir]))
    processes.push(...listeners)
    for (const listener of listeners) expect(await listener.next()).toBe('ready')
    for (const listener of listeners) listener.child.stdin.write('listen\n')
    const answers = await Promise.all(listeners.map((l) => l.next()))
    expect([...answers].sort()).toEqual(['listening', ...Array(3).fill('sign_in_already_waiting')])

    const waiting = listeners[answers.indexOf('listening')]!
    await sendOpenUrl(dir, URL)
    expect(await waiting.next()).toBe(`url ${URL}`)
  })
})
