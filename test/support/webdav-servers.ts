import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { runCli, tempDir } from './cli-process.ts'
import { freePort } from './dropbox-fixture.ts'

/**
 * Real WebDAV servers for the tests, each on 127.0.0.1 with Basic auth, serving a temp folder:
 * `rclone serve webdav` (Go's x/net/webdav) and Apache httpd with mod_dav_fs. Both are Debian
 * packages (.ci/run installs them).
 */
export interface WebdavServer {
  /** e.g. "rclone serve webdav". */
  kind: string
  /** The folder URL a user types into `connect webdav --url`, with a trailing slash. */
  url: string
  username: string
  password: string
  /** The folder on disk that `url` serves: what the server stored, read without our client. */
  root: string
  /** The server process's id now (the bench reads its CPU time). */
  pid(): number
  /** Changes the password the server accepts (the stored one is then refused with 401). */
  changePassword(password: string): Promise<void>
  close(): Promise<void>
}

export interface WebdavServerKind {
  name: string
  start(): Promise<WebdavServer>
}

const USER = 'brewer'
const PASSWORD = 'hops-and-malt-7f3a'

export const WEBDAV_SERVERS: readonly WebdavServerKind[] = [
  { name: 'rclone serve webdav', start: startRclone },
  { name: 'Apache mod_dav', start: () => startApache() },
]

/** Waits until the server answers HTTP at all (any status): it is listening. */
async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (child.exitCode !== null) throw new Error(`the WebDAV server exited:\n${log()}`)
    try {
      await fetch(url, { method: 'OPTIONS' })
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`the WebDAV server at ${url} did not start:\n${log()}`)
}

function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk))
  return { child, log: () => log }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(timer)
}

/**
 * `rclone serve webdav DIR`; a password change restarts it on the same port. `extraArgs` go to
 * rclone as they are (`--bwlimit 1M` makes a download slow enough to interrupt).
 */
export async function startRclone(extraArgs: readonly string[] = []): Promise<WebdavServer> {
  const base = tempDir('rclone-webdav')
  const root = join(base, 'data')
  mkdirSync(root)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  // An empty config file: the user's own rclone.conf must not change what the tests see.
  const config = join(base, 'rclone.conf')
  writeFileSync(config, '')
  const launch = async (password: string) => {
    const server = spawnServer('rclone', [
      'serve',
      'webdav',
      root,
      '--addr',
      `127.0.0.1:${port}`,
      '--user',
      USER,
      '--pass',
      password,
      '--config',
      config,
      ...extraArgs,
    ])
    await waitUntilUp(url, server.child, server.log)
    return server
  }
  let server = await launch(PASSWORD)
  return {
    kind: 'rclone serve webdav',
    url,
    username: USER,
    password: PASSWORD,
    root,
    pid: () => server.child.pid ?? -1,
    async changePassword(password) {
      await stop(server.child)
      server = await launch(password)
    },
    async close() {
      await stop(server.child)
      rmSync(base, { recursive: true, force: true })
    },
  }
}

/**
 * An htpasswd line in the `{SHA}` format (base64 of SHA-1), which Apache's authn_file reads: made
 * here so the tests need no `htpasswd` binary. Only ever a test password on loopback.
 */
function htpasswdLine(user: string, password: string): string {
  return `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`
}

const APACHE_MODULES = [
  'mpm_event',
  'authz_core',
  'authz_user',
  'authn_core',
  'authn_file',
  'auth_basic',
  'alias',
  'dav',
  'dav_fs',
]

export interface ApacheOptions {
  /** Apache's LimitRequestBody: a larger PUT is refused with 413. */
  limitRequestBody?: number
}

function apacheConfig(
  base: string,
  root: string,
  port: number,
  asRoot: boolean,
  options: ApacheOptions,
): string {
  const modules = APACHE_MODULES.map(
    (name) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so`,
  )
  return [
    `ServerRoot "${base}"`,
    `ServerName 127.0.0.1`,
    `Listen 127.0.0.1:${port}`,
    `PidFile "${base}/httpd.pid"`,
    `ErrorLog "${base}/error.log"`,
    'LogLevel warn',
    `DefaultRuntimeDir "${base}/run"`,
    ...modules,
    // Apache refuses to serve as root; its children run as nobody, who owns the served folder.
    ...(asRoot ? ['User nobody', 'Group nogroup'] : []),
    'StartServers 1',
    'ServerLimit 1',
    'ThreadsPerChild 16',
    'MaxRequestWorkers 16',
    `DavLockDB "${base}/lock/davlock"`,
    `Alias /dav "${root}"`,
    `<Directory "${root}">`,
    '  Dav On',
    '  AuthType Basic',
    '  AuthName "ftb-test"',
    '  AuthBasicProvider file',
    `  AuthUserFile "${base}/htpasswd"`,
    '  Require valid-user',
    ...(options.limitRequestBody === undefined
      ? []
      : [`  LimitRequestBody ${options.limitRequestBody}`]),
    '</Directory>',
    '',
  ].join('\n')
}

/** Apache httpd with mod_dav_fs and its own config under a temp ServerRoot, in the foreground. */
export async function startApache(options: ApacheOptions = {}): Promise<WebdavServer> {
  const base = tempDir('apache-webdav')
  const root = join(base, 'data')
  for (const dir of [root, join(base, 'run'), join(base, 'lock')]) mkdirSync(dir)
  const asRoot = process.getuid?.() === 0
  chmodSync(base, 0o755) // mkdtemp makes it owner-only; the worker must reach the folder below
  // The worker (nobody) writes the files and the lock database.
  if (asRoot) for (const dir of [root, join(base, 'lock')]) chownSync(dir, 65534, 65534)
  const port = await freePort()
  writeFileSync(join(base, 'htpasswd'), htpasswdLine(USER, PASSWORD))
  const conf = join(base, 'httpd.conf')
  writeFileSync(conf, apacheConfig(base, root, port, asRoot, options))
  const server = spawnServer('/usr/sbin/apache2', ['-f', conf, '-DFOREGROUND'], {
    APACHE_RUN_DIR: join(base, 'run'),
    APACHE_LOCK_DIR: join(base, 'lock'),
    APACHE_LOG_DIR: base,
  })
  const url = `http://127.0.0.1:${port}/dav/`
  await waitUntilUp(url, server.child, server.log)
  return {
    kind: 'Apache mod_dav',
    url,
    username: USER,
    password: PASSWORD,
    root,
    pid: () => server.child.pid ?? -1,
    async changePassword(password) {
      // authn_file reads the file on every request: the next one sees the new password.
      writeFileSync(join(base, 'htpasswd'), htpasswdLine(USER, password))
    },
    async close() {
      await stop(server.child)
      rmSync(base, { recursive: true, force: true })
    },
  }
}

/** `connect webdav` through the real CLI, the password on stdin; returns the connection id. */
export async function connectWebdav(
  server: WebdavServer,
  env: NodeJS.ProcessEnv,
  url = server.url,
): Promise<string> {
  const args = ['connect', 'webdav', '--url', url, '--username', server.username]
  const connected = await runCli(
    [...args, '--password-stdin', '--json'],
    env,
    `${server.password}\n`,
  )
  expect(connected.code, connected.stderr).toBe(0)
  return (JSON.parse(connected.stdout) as { connection_id: string }).connection_id
}
