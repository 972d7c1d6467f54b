import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MIB, writeBackup } from '../support/backup-files.ts'
import { runCli, tempDir, transcript } from '../support/cli-process.ts'
import { connectWebdav, startRclone, type WebdavServer } from '../support/webdav-servers.ts'

// Real CLI processes; the server is slowed so a download lasts long enough to show progress.
vi.setConfig({ testTimeout: 180_000 })

const BIN = resolve(import.meta.dirname, '../../bin/fermentrack-backup.js')
const NAME = 'dbBackup-Fermentrack_2026-04-02T08.00.00.tar.xz'

let server: WebdavServer
let env: NodeJS.ProcessEnv
let connectionId: string
let source: string

beforeAll(async () => {
  // 1 MiB/s each way: a 3 MiB backup takes seconds to come back, whatever the machine.
  server = await startRclone(['--bwlimit', '1M'])
  env = { FTB_HOME: tempDir('progress-home'), FTB_SECRET_STORE: 'file', DROPBOX_APP_KEY: '' }
  connectionId = await connectWebdav(server, env)
  source = await writeBackup(tempDir('progress-pi'), NAME, 3 * MIB, 9)
  const uploaded = await runCli(['upload', source, '--connection', connectionId, '--json'], env)
  expect(uploaded.code, uploaded.stderr).toBe(0)
})
afterAll(async () => {
  await server?.close()
})

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`

/**
 * Runs `restore` the way a brewer does at a terminal: stderr on a pseudo-terminal (util-linux
 * `script`), so the CLI draws its bar there; stdout goes to a file, to be read on its own.
 */
async function restoreAtTerminal(args: string[]) {
  const to = tempDir('progress-to')
  const stdoutFile = join(tempDir('progress-out'), 'stdout.txt')
  const command = [
    process.execPath,
    BIN,
    'restore',
    NAME,
    '--connection',
    connectionId,
    '--to',
    to,
    ...args,
  ]
    .map(quote)
    .join(' ')
  const child = spawn(
    'script',
    ['-q', '-e', '-f', '-c', `${command} > ${quote(stdoutFile)}`, '/dev/null'],
    {
      env: { ...process.env, ...env, SHELL: '/bin/sh', TERM: 'dumb' },
    },
  )
  child.stdin.end()
  let terminal = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (terminal += chunk))
  const code = await new Promise<number | null>((done) => child.on('close', done))
  const stdout = readFileSync(stdoutFile, 'utf8')
  transcript.push(terminal, stdout)
  return { code, terminal, stdout, restored: join(to, NAME) }
}

/** Each bar drawn: "\r[####----]  42% <name> <speed>/s, <eta> left". */
function bars(terminal: string): number[] {
  const drawn = [...terminal.matchAll(/\r\[[#-]{24}\] +(\d+)% (\S+) [^\r]*?\/s/g)]
  for (const bar of drawn) expect(bar[2]).toBe(NAME)
  return drawn.map((bar) => Number(bar[1]))
}

describe('restore shows its progress on the terminal, apart from its answer', () => {
  it('draws a bar on stderr as the download goes, clears it, then says what it restored', async () => {
    const run = await restoreAtTerminal([])
    expect(run.code, run.terminal).toBe(0)
    const percents = bars(run.terminal)
    // Several updates, never going backwards.
    expect(new Set(percents).size, run.terminal).toBeGreaterThanOrEqual(2)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    // The bar is taken off the line before the program ends.
    expect(run.terminal.lastIndexOf('\r\x1b[K')).toBeGreaterThan(run.terminal.lastIndexOf('% '))
    expect(run.stdout).toMatch(
      new RegExp(`^Restored /Fermentrack Backups/${NAME} to .* verified by .*\\.\\n$`),
    )
    expect(readFileSync(run.restored).equals(readFileSync(source))).toBe(true)
  })

  it('with --json the bar still goes to the terminal, and stdout is the JSON answer alone', async () => {
    const run = await restoreAtTerminal(['--json'])
    expect(run.code, run.terminal).toBe(0)
    expect(new Set(bars(run.terminal)).size, run.terminal).toBeGreaterThanOrEqual(2)
    for (const mark of ['\r', '\x1b', '%']) expect(run.stdout).not.toContain(mark)
    expect(JSON.parse(run.stdout)).toMatchObject({ local_path: run.restored, verified: true })
    expect(readFileSync(run.restored).equals(readFileSync(source))).toBe(true)
  })
})
