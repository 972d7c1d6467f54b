import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { runCli, tempDir } from '../support/cli-process.ts'
import { parseJson } from '../support/upload-fixture.ts'

// Several real CLI processes per test on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 })

interface SourceJson {
  id: string
  label: string
  folder: string
  remote_subfolder: string | null
  destinations: string[] | null
}

/** A fresh FTB_HOME whose only destination is a local folder ("local"). */
function home() {
  return {
    FTB_HOME: join(tempDir('home'), 'fresh'),
    FTB_SECRET_STORE: 'file',
    FTB_LOCAL_DESTINATION: tempDir('nas'),
    DROPBOX_APP_KEY: '',
  }
}

const listed = async (env: NodeJS.ProcessEnv) => {
  const result = await runCli(['sources', '--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return parseJson<SourceJson[]>(result)
}

describe('sources', () => {
  it('adds Fermentracks: the remote subfolder defaults to the label, ids are unique; remove forgets one', async () => {
    const env = home()
    const pi1 = tempDir('pi1')
    const pi2 = tempDir('pi2')
    expect(await listed(env)).toEqual([])

    const first = await runCli(['sources', 'add', '--folder', pi1, '--label', 'Brewhouse 1'], env)
    expect(first.code, first.stderr).toBe(0)
    const second = await runCli(
      ['sources', 'add', '--folder', pi2, '--label', 'Test: Pi', '--destination', 'local'],
      env,
    )
    expect(second.code, second.stderr).toBe(0)
    expect(await listed(env)).toEqual([
      {
        id: 'brewhouse-1',
        label: 'Brewhouse 1',
        folder: pi1,
        remote_subfolder: 'Brewhouse 1',
        destinations: null,
      },
      {
        id: 'test-pi',
        label: 'Test: Pi',
        folder: pi2,
        remote_subfolder: 'Test- Pi',
        destinations: ['local'],
      },
    ])
    const text = await runCli(['sources'], env)
    expect(text.stdout).toContain(
      `brewhouse-1  Brewhouse 1  ${pi1} → /Fermentrack Backups/Brewhouse 1 (every destination)`,
    )

    const removed = await runCli(['sources', 'remove', 'brewhouse-1'], env)
    expect(removed.code, removed.stderr).toBe(0)
    expect((await listed(env)).map((s) => s.id)).toEqual(['test-pi'])
  })

  it('--remote-subfolder "" sends backups straight into the destination folder', async () => {
    const env = home()
    const folder = tempDir('pi')
    const args = ['--folder', folder, '--label', 'Main', '--remote-subfolder', '']
    expect((await runCli(['sources', 'add', ...args], env)).code).toBe(0)
    expect(await listed(env)).toMatchObject([{ remote_subfolder: null }])
  })

  it.each([
    [['add', '--label', 'No folder'], 'sources add needs --folder DIR and --label L'],
    [['add', '--folder', '/no/such/folder', '--label', 'X'], 'is not a folder: create or mount it'],
    [['add', '--folder', 'PI1', '--label', 'Again'], `is watched already (Brewhouse 1)`],
    [['add', '--folder', 'PI2', '--label', 'brewhouse 1'], 'the label "brewhouse 1" is taken'],
    [
      ['add', '--folder', 'PI2', '--label', 'Other', '--remote-subfolder', 'Brewhouse 1'],
      'the remote subfolder "Brewhouse 1" is used by Brewhouse 1 already',
    ],
    [
      ['add', '--folder', 'PI2', '--label', 'Up', '--remote-subfolder', '../x'],
      'must be a relative path',
    ],
    [
      ['add', '--folder', 'PI2', '--label', 'Y', '--destination', 'nope'],
      '--destination "nope" is not a destination',
    ],
    [['remove', 'nope'], 'No Fermentrack source has the id "nope"'],
    [['rename', 'x'], 'Usage: fermentrack-backup sources'],
  ])('sources %j exits 2 with one line and saves nothing', async (args, message) => {
    const env = home()
    const pi1 = tempDir('pi1')
    const pi2 = tempDir('pi2')
    expect(
      (await runCli(['sources', 'add', '--folder', pi1, '--label', 'Brewhouse 1'], env)).code,
    ).toBe(0)
    const file = join(env.FTB_HOME, 'settings.json')
    const before = readFileSync(file, 'utf8')

    const given = args.map((a) => (a === 'PI1' ? pi1 : a === 'PI2' ? pi2 : a))
    const result = await runCli(['sources', ...given], env)

    expect(result.code).toBe(2)
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('Error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(message)
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe(before)
  })
})
