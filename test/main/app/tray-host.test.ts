// Against the real session bus the test run has (scripts/run-tests.sh starts one), on which
// nothing hosts tray icons, as on stock GNOME.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { hasTrayHost, type RunCommand } from '../../../src/main/app/tray-host.ts'

const exec = promisify(execFile)
const run: RunCommand = async (command, args) => (await exec(command, [...args])).stdout

describe('hasTrayHost', () => {
  it.runIf(process.env.DBUS_SESSION_BUS_ADDRESS)(
    'says no on a session bus without a StatusNotifierWatcher',
    async () => {
      expect(await hasTrayHost('linux', run)).toBe(false)
    },
  )

  it('cannot tell without gdbus or a session bus', async () => {
    const noGdbus: RunCommand = (command, args) => run(`${command}-not-installed`, args)
    expect(await hasTrayHost('linux', noGdbus)).toBeUndefined()
    const noBus: RunCommand = async (command, args) =>
      (
        await exec(command, [...args], {
          env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
        })
      ).stdout
    expect(await hasTrayHost('linux', noBus)).toBeUndefined()
  })

  it('takes macOS and Windows to have a tray', async () => {
    const never: RunCommand = () => Promise.reject(new Error('not asked'))
    expect(await hasTrayHost('darwin', never)).toBe(true)
    expect(await hasTrayHost('win32', never)).toBe(true)
  })
})
