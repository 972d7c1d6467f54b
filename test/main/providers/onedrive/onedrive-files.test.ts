import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openConnection, type OpenConnection } from '../../../conformance/conformance-steps.ts'
import { quickXorOf, type GraphEmulator } from '../../../emulators/graph/index.ts'
import { tempDir } from '../../../support/cli-process.ts'
import {
  connectOneDrive,
  oneDriveEnv,
  startOneDriveEmulator,
} from '../../../support/onedrive-fixture.ts'

const FOLDER = '/Fermentrack Backups'
let emulator: GraphEmulator
let connection: OpenConnection

beforeAll(async () => {
  // Two items a page, so a listing must follow @odata.nextLink.
  const started = await startOneDriveEmulator({ driveType: 'business', pageSize: 2 })
  emulator = started.emulator
  const env = oneDriveEnv(emulator, started.loopbackPort)
  const connectionId = await connectOneDrive(env)
  connection = await openConnection({ env, home: env.FTB_HOME!, connectionId })
  emulator.drive.put({
    path: FOLDER,
    name: FOLDER.slice(1),
    isFolder: true,
    bytes: Buffer.alloc(0),
  })
}, 60_000)
afterAll(async () => {
  await connection?.close()
  await emulator?.close()
})

describe('OneDrive files against the Graph emulator', () => {
  it('lists a folder over several pages, each file with its size and QuickXorHash', async () => {
    const names = ['a.tar.xz', 'b.tar.xz', 'c.tar.xz', 'd.tar.xz', 'e.tar.xz']
    for (const [i, name] of names.entries())
      emulator.drive.put({
        path: `${FOLDER}/${name}`,
        name,
        isFolder: false,
        bytes: Buffer.alloc(i + 1, i),
      })
    const { provider, credentials, context } = connection

    const listed = await provider.list(credentials, FOLDER, context)

    expect(listed.map((e) => [e.name, e.size, e.path])).toEqual(
      names.map((name, i) => [name, i + 1, `${FOLDER}/${name}`]),
    )
    expect(listed[2]!.checksum).toEqual({
      algorithm: 'quickxorhash',
      value: quickXorOf(Buffer.alloc(3, 2)),
    })
    const pages = emulator.requests.filter(
      (r) => r.path.endsWith('/children') && r.method === 'GET',
    )
    expect(pages.length).toBeGreaterThanOrEqual(3)
  })

  it('lists a folder that is not there as empty, and removing a file that is gone is no error', async () => {
    const { provider, credentials, context } = connection
    expect(await provider.list(credentials, '/Nowhere', context)).toEqual([])
    await expect(
      provider.remove(credentials, `${FOLDER}/never.tar.xz`, context),
    ).resolves.toBeUndefined()
  })

  it('checks a restored file against a recorded QuickXorHash through localChecksum', async () => {
    const path = `${tempDir('od-files')}/local.bin`
    await writeFile(path, Buffer.from('restored bytes'))
    const { provider } = connection
    expect(await provider.localChecksum!('quickxorhash', path)).toBe(
      quickXorOf(Buffer.from('restored bytes')),
    )
    expect(await provider.localChecksum!('dropbox-content-hash', path)).toBeNull()
  })
})
