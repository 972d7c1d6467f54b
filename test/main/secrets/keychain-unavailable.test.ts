import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CHILD = join(import.meta.dirname, 'fixtures', 'keychain-child.ts')

interface Outcome {
  ok: boolean
  value?: unknown
  code?: string
  message?: string
}

type Backend = 'keychain' | 'keyring-napi'

// Only what the child needs: no DISPLAY (so D-Bus cannot autolaunch) and no inherited session
// bus. FTB_SECRET_STORE tells the child which keychain library to use.
function baseEnv(kind: Backend, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    FTB_SECRET_STORE: kind,
    ...extra,
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as Outcome)
      } catch {
        reject(new Error(`child exited ${status} without an outcome:\n${stdout}\n${stderr}`))
      }
    })
  })
}

const runChild = (args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, [CHILD, ...args], env)

function expectKeychainUnavailable(outcome: Outcome, detail: RegExp) {
  expect(outcome).toMatchObject({ ok: false, code: 'keychain_unavailable' })
  expect(outcome.message).toMatch(detail)
  expect(outcome.message).toMatch(/Unlock or start your keyring/)
  expect(outcome.message).toMatch(/FTB_SECRET_STORE=file/)
}

let scratch: string
let home: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ftb-keychain-'))
  home = join(scratch, 'home')
  mkdirSync(home)
})

afterAll(() => {
  // Never a plaintext fallback: nothing was written to the home folder by any case here.
  expect(readdirSync(home)).toEqual([])
  rmSync(scratch, { recursive: true, force: true })
})

const haveKeyring =
  spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'])
    .status === 0

// Both keychain libraries must fail the same way: keytar, and @napi-rs/keyring.
for (const kind of ['keychain', 'keyring-napi'] as const) backendSuite(kind)

function backendSuite(kind: Backend): void {
  describe(`an unreachable keychain (${kind})`, () => {
    it('fails at open with keychain_unavailable when the session bus address leads nowhere', async () => {
      const env = baseEnv(kind, {
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(scratch, 'no-such-bus')}`,
      })
      const outcome = await runChild(['open', home], env)
      expectKeychainUnavailable(outcome, /^No D-Bus session is running/)
      expect(readdirSync(home)).not.toContain('secrets.json')
    })

    it('fails at open with keychain_unavailable when there is no session bus at all', async () => {
      const outcome = await runChild(['open', home], baseEnv(kind))
      expectKeychainUnavailable(outcome, /^No D-Bus session is running/)
    })

    describe('behind a bus that accepts connections but never answers', () => {
      let server: Server
      const connections = new Set<Socket>()
      const socket = () => join(scratch, `${kind}-silent.sock`)

      beforeAll(async () => {
        server = createServer((connection) => {
          connections.add(connection)
          connection.resume()
        })
        await new Promise<void>((resolve) => server.listen(socket(), resolve))
      })

      afterAll(async () => {
        for (const connection of connections) connection.destroy()
        await new Promise((resolve) => server.close(resolve))
      })

      it('gives up after the time limit, and the process can still exit', async () => {
        const env = baseEnv(kind, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket()}` })
        const started = Date.now()
        const outcome = await runChild(['open', home, '', '500'], env)
        expectKeychainUnavailable(outcome, /^The D-Bus session bus does not answer/)
        expect(Date.now() - started).toBeLessThan(15_000)
      })
    })
  })

  describe.skipIf(!haveKeyring)(`a gnome-keyring that is not unlocked (${kind})`, () => {
    // Each session gets its own D-Bus and runtime folder; the data folder (the keyring file) is
    // shared when a test needs the same keyring across sessions.
    let sessions = 0
    const inSession = (data: string, password: string | null, args: string[]) => {
      const runtime = join(scratch, `${kind}-run-${++sessions}`)
      mkdirSync(runtime, { mode: 0o700 })
      const start =
        password === null
          ? 'gnome-keyring-daemon --start --components=secrets >/dev/null'
          : 'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null'
      const env = baseEnv(kind, {
        XDG_DATA_HOME: data,
        XDG_RUNTIME_DIR: runtime,
        KEYRING_PASSWORD: password ?? '',
      })
      const script = `${start} && exec "$@"`
      return run(
        'dbus-run-session',
        ['--', 'sh', '-c', script, 'sh', process.execPath, CHILD, ...args],
        env,
      )
    }
    const dataFolder = (name: string) => {
      const data = join(scratch, `${kind}-${name}`)
      mkdirSync(data, { mode: 0o700 })
      return data
    }

    it('reports a keyring unlocked with the wrong password as locked, and never answers "no secret"', async () => {
      const data = dataFolder('data-locked')
      const secret = 'locked-away-secret-value'
      expect(await inSession(data, 'right-password', ['set', 'conn-1', secret])).toEqual({
        ok: true,
        value: null,
      })

      const opened = await inSession(data, 'wrong-password', ['open', home])
      expectKeychainUnavailable(opened, /^The OS keychain is locked\./)

      // libsecret answers null for a locked item; the store must not turn that into "not stored".
      const read = await inSession(data, 'wrong-password', ['get', 'conn-1'])
      expectKeychainUnavailable(read, /^The OS keychain is locked\./)
      expect(read.message).not.toContain(secret)
      const deleted = await inSession(data, 'wrong-password', ['delete', 'conn-1'])
      expectKeychainUnavailable(deleted, /^The OS keychain is locked\./)

      // The secret was there all along, as the right password shows.
      expect(await inSession(data, 'right-password', ['get', 'conn-1'])).toEqual({
        ok: true,
        value: secret,
      })
    })

    it('reports a keyring daemon that was started but never unlocked', async () => {
      const outcome = await inSession(dataFolder('data-never-unlocked'), null, ['open', home])
      expectKeychainUnavailable(outcome, /^The OS keychain has no unlocked login keyring/)
    })
  })
}
