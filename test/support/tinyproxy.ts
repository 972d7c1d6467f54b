import { spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './cli-process.ts'
import { freePort } from './dropbox-fixture.ts'
import { waitFor } from './wait-for.ts'

export interface Tinyproxy {
  /** http://127.0.0.1:<port>, without credentials. */
  url: string
  port: number
  /** The `CONNECT host:port` requests it received so far, in order, from its log. */
  connects(): string[]
  log(): string
  close(): Promise<void>
}

export interface TinyproxyOptions {
  /** The ports CONNECT may reach (tinyproxy refuses the others with 403). */
  connectPorts: number[]
  /** Ask every client for this user and password (407 without them). */
  basicAuth?: { user: string; password: string }
}

/**
 * Debian's tinyproxy, a real forward proxy, on 127.0.0.1 with a config file of its own, in the
 * foreground (-d) so closing the test stops it. Its log (LogLevel Info) has one "Request ...:
 * CONNECT host:port" line per tunnel, which is how the tests see what went through it.
 */
export async function startTinyproxy(options: TinyproxyOptions): Promise<Tinyproxy> {
  const dir = tempDir('tinyproxy')
  const port = await freePort()
  const logFile = join(dir, 'tinyproxy.log')
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    'Timeout 600',
    'MaxClients 100',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    ...options.connectPorts.map((allowed) => `ConnectPort ${allowed}`),
    ...(options.basicAuth
      ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`]
      : []),
  ]
  const config = join(dir, 'tinyproxy.conf')
  writeFileSync(config, `${lines.join('\n')}\n`)
  const child = spawn('/usr/bin/tinyproxy', ['-d', '-c', config], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  await waitFor(() => log().includes('Accepting connections'), {
    what: 'tinyproxy to listen',
    detail: log,
  })
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    connects: () =>
      [...log().matchAll(/Request \(file descriptor \d+\): CONNECT (\S+)/g)].map((m) => m[1]!),
    close: async () => {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
