// npm run package:check — the packaging dry run CI does on every run. Builds the app, packages it
// with the real electron-builder (`--linux dir`) around a stand-in Electron binary (Electron
// itself can't be downloaded here), then checks what came out: see package-check/
// packaged-app-checks.ts. Prints one line per check and the asar size; exits 1 if any check fails.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Configuration, LinuxConfiguration } from 'app-builder-lib'
import { getConfig } from 'app-builder-lib/out/util/config/config.js'
import {
  asarBytes,
  checks,
  type PackagedApp,
  unusedShipped,
} from './package-check/packaged-app-checks.ts'
import { stageProject } from './package-check/staged-project.ts'
import { fuseIndex, fuseIndices, writeStandInElectron } from './package-check/stand-in-electron.ts'

const run = promisify(execFile)
const projectDir = path.resolve(import.meta.dirname, '..')
// Inside release/, which git, lint and the tests already ignore.
const stageDir = path.join(projectDir, 'release', 'package-check')

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || (error as Error).message
    console.error(`package check FAILED: ${name}\n${String(detail).trim()}`)
    process.exit(1)
  }
}

async function packageApp(config: Configuration): Promise<PackagedApp> {
  const electron = JSON.parse(
    await readFile(path.join(projectDir, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as { version: string }
  const fuses = (config.electronFuses ?? {}) as Record<string, boolean>
  const configured = new Map<number, boolean>()
  for (const [name, value] of Object.entries(fuses)) {
    const index = fuseIndex(name)
    if (index !== undefined) configured.set(index, value)
  }
  const electronDist = path.join(stageDir, 'electron-dist')
  await writeStandInElectron(electronDist, electron.version, configured)
  console.log(
    `package check: stand-in Electron ${electron.version} with ${fuseIndices().length} fuses`,
  )
  // electron-builder's progress lines are printed once it is done; on failure step() prints
  // its error output.
  await run(
    path.join(stageDir, 'node_modules', '.bin', 'electron-builder'),
    ['--linux', 'dir', `-c.electronDist=${electronDist}`],
    {
      cwd: stageDir,
      env: {
        ...process.env,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        // keytar builds from source against the system's Node headers (no prebuilt download).
        npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).then(({ stdout }) => process.stdout.write(stdout))
  const linux = (config.linux ?? {}) as LinuxConfiguration
  return {
    projectDir: stageDir,
    sourceDir: projectDir,
    appOutDir: path.join(stageDir, config.directories?.output ?? 'dist', 'linux-unpacked'),
    executable: linux.executableName ?? 'electron',
    fuses,
  }
}

await step('npm run build', () => run('npm', ['run', '--silent', 'build'], { cwd: projectDir }))
await step('staging the project', () => stageProject(projectDir, stageDir))
const config = await step('reading electron-builder.yml', () =>
  getConfig(stageDir, path.join(stageDir, 'electron-builder.yml'), null),
)
const app = await step('electron-builder --linux dir', () => packageApp(config))

let failed = 0
for (const check of checks) {
  const problems = await Promise.resolve()
    .then(() => check.run(app))
    .catch((error: unknown) => [(error as Error).message])
  if (problems.length === 0) {
    console.log(`package check ok: ${check.name}`)
    continue
  }
  failed++
  for (const problem of problems) console.error(`package check FAILED: ${check.name}: ${problem}`)
}
const unused = unusedShipped(app)
if (unused.length > 0) {
  console.log(`package check note: the main process never loads ${unused.join(', ')}`)
}
console.log(`package check: app.asar is ${asarBytes(app).toLocaleString('en')} bytes`)
console.log(`package check: ${checks.length - failed} of ${checks.length} checks passed`)
process.exit(failed === 0 ? 0 : 1)
