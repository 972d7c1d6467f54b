import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SourceFile, UploadContext } from '../../../../src/main/uploads/uploader.ts'
import { tempDir } from '../../../support/cli-process.ts'

const made: string[] = []

/** A fresh temp folder, removed again by removeTempDirs(). */
export function tmp(prefix: string): string {
  const dir = tempDir(prefix)
  made.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A backups folder with one file in it, described the way the watcher hands it over. */
export function sourceFile(name: string, data: string | Buffer): SourceFile {
  const dir = tmp('local-src')
  const path = join(dir, name)
  writeFileSync(path, data)
  const { size, mtimeMs } = statSync(path)
  return { path, name, size, mtimeMs }
}

/** An existing destination root, like a mounted NAS share. */
export function destinationRoot(): string {
  const root = join(tmp('local-dst'), 'nas')
  mkdirSync(root)
  return root
}

export interface TestContext extends UploadContext {
  progress: number[]
  /** Every resume point saved, in order. */
  saved: unknown[]
  abort(): void
}

export function context(onProgress?: (bytes: number) => void, resume?: unknown): TestContext {
  const controller = new AbortController()
  const progress: number[] = []
  const saved: unknown[] = []
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    progress,
    saved,
    onProgress(bytes) {
      progress.push(bytes)
      onProgress?.(bytes)
    },
    resume,
    saveResume: (state) => saved.push(state),
  }
}

/** Every entry below `dir`, as relative paths, sorted. */
export function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort()
}
