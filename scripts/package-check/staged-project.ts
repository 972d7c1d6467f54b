// The project copy electron-builder packages in the check. Packaging in a copy, not the checkout:
// - electron-builder rebuilds keytar inside the project's node_modules, and a worktree's
//   node_modules may be shared with other checkouts (a symlink) that must not change under them;
// - npm reports packages reached through a symlinked node_modules as "extraneous", and
//   electron-builder then leaves their dependencies out of the app.
import { execFile } from 'node:child_process'
import { cp, mkdir, realpath, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

// What electron-builder reads: the manifest and lockfile, its config, the build output and the
// build resources (icons, tray images).
const COPIED = ['package.json', 'package-lock.json', 'electron-builder.yml', 'out', 'assets']
// Native modules that electron-builder rebuilds in place: these get their own copy.
const REBUILT = ['keytar']

export async function stageProject(projectDir: string, stageDir: string): Promise<void> {
  await rm(stageDir, { recursive: true, force: true })
  await mkdir(stageDir, { recursive: true })
  for (const name of COPIED) {
    await cp(path.join(projectDir, name), path.join(stageDir, name), { recursive: true })
  }
  // Hard links make the 20 000-file copy take a second. Packaging writes only into the rebuilt
  // modules, which get a real copy below.
  const modules = await realpath(path.join(projectDir, 'node_modules'))
  await run('cp', ['-al', modules, path.join(stageDir, 'node_modules')])
  // npm's cache of the tree: a hard link would let npm in the copy rewrite the original's.
  await rm(path.join(stageDir, 'node_modules', '.package-lock.json'), { force: true })
  for (const name of REBUILT) {
    const copy = path.join(stageDir, 'node_modules', name)
    await rm(copy, { recursive: true })
    await cp(path.join(modules, name), copy, { recursive: true })
  }
}
