// A stand-in for Electron's unpacked Linux distribution, so `electron-builder --linux dir` can run
// on a machine that cannot download Electron. electron-builder copies this folder, renames the
// `electron` executable and flips its fuses; nothing else about the binary matters to it.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { FuseV1Options } from '@electron/fuses'

// @electron/fuses finds the wire right after this marker (its constants.ts), then reads a version
// byte, a length byte and one ASCII '0'/'1' per fuse.
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSE_WIRE_VERSION = 1
const DISABLED = '0'
const ENABLED = '1'

/** The wire index of an electron-builder fuse name (`runAsNode` is FuseV1Options.RunAsNode). */
export function fuseIndex(name: string): number | undefined {
  const key = name.charAt(0).toUpperCase() + name.slice(1)
  const index = (FuseV1Options as unknown as Record<string, number | undefined>)[key]
  return typeof index === 'number' ? index : undefined
}

/** The fuse indices this version of @electron/fuses knows, in wire order. */
export function fuseIndices(): number[] {
  return Object.values(FuseV1Options)
    .filter((value): value is number => typeof value === 'number')
    .sort((a, b) => a - b)
}

/**
 * Writes `<folder>/electron` and `<folder>/version`. Each fuse that `configured` sets starts in
 * the opposite state, so reading the configured value back later proves electron-builder flipped
 * it rather than found it that way.
 */
export async function writeStandInElectron(
  folder: string,
  electronVersion: string,
  configured: ReadonlyMap<number, boolean>,
): Promise<void> {
  const wire = fuseIndices()
    .map((index) =>
      configured.has(index) ? (configured.get(index) ? DISABLED : ENABLED) : DISABLED,
    )
    .join('')
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron: not runnable" >&2\nexit 1\n')
  const fuses = Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'ascii'),
    Buffer.from([FUSE_WIRE_VERSION, wire.length]),
    Buffer.from(wire, 'ascii'),
  ])
  await mkdir(folder, { recursive: true })
  await writeFile(path.join(folder, 'electron'), Buffer.concat([script, fuses]), { mode: 0o755 })
  // Electron's zips carry their version in this file; electron-builder copies it along.
  await writeFile(path.join(folder, 'version'), electronVersion)
}
