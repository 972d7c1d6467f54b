import { afterAll, beforeAll } from 'vitest'
import type { GdriveEmulator } from '../emulators/gdrive/index.ts'
import { FOLDER_MIME } from '../emulators/gdrive/drive-store.ts'
import type { DriveType, GraphEmulator } from '../emulators/graph/index.ts'
import {
  configureGoogle,
  connectGoogle,
  GOOGLE_CLIENT_ID,
  googleEnv,
  startGoogle,
} from './gdrive-fixture.ts'
import { connectOneDrive, oneDriveEnv, startOneDriveEmulator } from './onedrive-fixture.ts'

/** The app's default target folder, in My Drive and in OneDrive's app folder alike. */
export const TARGET = '/Fermentrack Backups'

/**
 * A fresh FTB_HOME connected through the real CLI to a strict cloud emulator, with the reads and
 * writes a test needs done on the emulator's own storage, never through our client.
 */
export interface CloudHome {
  env: NodeJS.ProcessEnv
  connectionId: string
  /** The names directly in `folder` (default: the target), as the emulator stores them. */
  names(folder?: string): string[]
  /** The stored bytes of a file in the target folder ("x.tar.xz" or "old/x.tar.xz"). */
  bytes(name: string): Buffer | undefined
  /**
   * Flips bytes of the stored copy in place, as a store that changed or damaged it would; the
   * emulator then reports checksums of the changed bytes, as the service would of a new version.
   */
  damage(name: string): void
  /**
   * Puts a file (or, without a body, a folder) into the target folder the way the brewer's own
   * app or the provider's web page would, straight into the emulator's storage.
   */
  plant(name: string, body?: Buffer | string): void
  /** Body bytes the emulator received on its upload routes so far. */
  uploadBytes(): number
}

/** A connected home per test, each with an emulator (an account) of its own. */
export interface CloudKind {
  /** As the tests are named: "Google Drive", "OneDrive (business)". */
  name: string
  /** The provider's name in the window. */
  label: string
  start(): Promise<{ home(extra?: NodeJS.ProcessEnv): Promise<CloudHome>; close(): Promise<void> }>
}

/** Starts an emulator for each home asked for, and closes them all at the end. */
function perHome<E extends { close(): Promise<void> }>(
  startEmulator: () => Promise<E>,
  connect: (emulator: E, extra: NodeJS.ProcessEnv) => Promise<CloudHome>,
): ReturnType<CloudKind['start']> {
  const open: E[] = []
  return Promise.resolve({
    home: async (extra = {}) => {
      const emulator = await startEmulator()
      open.push(emulator)
      return connect(emulator, extra)
    },
    close: async () => {
      for (const emulator of open.splice(0)) await emulator.close()
    },
  })
}

function flipBytes(bytes: Buffer): void {
  for (let i = bytes.length >> 2; i < bytes.length; i += 4099) bytes[i]! ^= 0xff
}

function googleHome(emulator: GdriveEmulator, env: NodeJS.ProcessEnv, id: string): CloudHome {
  const folderId = (path: string) => {
    const found = emulator.fileAt(path)
    if (!found) throw new Error(`no folder ${path} in the Drive emulator`)
    return found.id
  }
  const ensureFolder = (parent: string, name: string) =>
    emulator.fileAt(`${parent}/${name}`) ??
    emulator.store.create(
      { name, mimeType: FOLDER_MIME, parents: [folderId(parent)], appProperties: {} },
      GOOGLE_CLIENT_ID,
      null,
    )
  return {
    env,
    connectionId: id,
    names: (folder = TARGET) => {
      const parent = folderId(folder)
      return [...emulator.store.files.values()]
        .filter((f) => f.parents.includes(parent) && !f.trashed)
        .map((f) => f.name)
    },
    bytes: (name) => emulator.fileAt(`${TARGET}/${name}`)?.content ?? undefined,
    damage: (name) => flipBytes(emulator.fileAt(`${TARGET}/${name}`)!.content!),
    plant: (name, body) => {
      const parts = name.split('/')
      const file = body === undefined ? undefined : parts.pop()!
      let parent = TARGET
      for (const part of parts) {
        ensureFolder(parent, part)
        parent = `${parent}/${part}`
      }
      // Made by this app's client id (another install of it): visible to our drive.file grant.
      if (file !== undefined)
        emulator.store.create(
          { name: file, mimeType: 'text/plain', parents: [folderId(parent)], appProperties: {} },
          GOOGLE_CLIENT_ID,
          Buffer.from(body!),
        )
    },
    uploadBytes: () => emulator.uploadBytes(),
  }
}

function oneDriveHome(emulator: GraphEmulator, env: NodeJS.ProcessEnv, id: string): CloudHome {
  return {
    env,
    connectionId: id,
    names: (folder = TARGET) => emulator.drive.children(folder).map((item) => item.name),
    bytes: (name) => emulator.stored(`${TARGET}/${name}`)?.bytes,
    damage: (name) => flipBytes(emulator.stored(`${TARGET}/${name}`)!.bytes),
    plant: (name, body) => {
      // The target folder too: nothing may have been uploaded there yet.
      const parts = [...TARGET.split('/').filter(Boolean), ...name.split('/')]
      let path = ''
      for (const [i, part] of parts.entries()) {
        path = `${path}/${part}`
        const isFile = body !== undefined && i === parts.length - 1
        if (!isFile && emulator.drive.get(path)) continue
        emulator.drive.put({
          path,
          name: part,
          isFolder: !isFile,
          bytes: isFile ? Buffer.from(body) : Buffer.alloc(0),
        })
      }
    },
    uploadBytes: () =>
      emulator.requests
        .filter((r) => r.path.startsWith('/_upload/') || r.path.endsWith(':/content'))
        .reduce((sum, r) => sum + r.bytes, 0),
  }
}

const GOOGLE_DRIVE: CloudKind = {
  name: 'Google Drive',
  label: 'Google Drive',
  start: () =>
    perHome(startGoogle, async (emulator, extra) => {
      const env = googleEnv(emulator, { DROPBOX_APP_KEY: '', ...extra })
      await configureGoogle(env)
      return googleHome(emulator, env, await connectGoogle(env))
    }),
}

function oneDrive(driveType: DriveType): CloudKind {
  return {
    name: `OneDrive (${driveType})`,
    label: 'OneDrive',
    start: () => {
      const ports = new Map<GraphEmulator, number>()
      return perHome(
        async () => {
          const { emulator, loopbackPort } = await startOneDriveEmulator({ driveType })
          ports.set(emulator, loopbackPort)
          return emulator
        },
        async (emulator, extra) => {
          const env = oneDriveEnv(emulator, ports.get(emulator)!, { DROPBOX_APP_KEY: '', ...extra })
          return oneDriveHome(emulator, env, await connectOneDrive(env))
        },
      )
    },
  }
}

/** Google Drive, and OneDrive with each of the hashes Graph reports (SHA-256, QuickXorHash). */
export const CLOUD_KINDS: CloudKind[] = [GOOGLE_DRIVE, oneDrive('personal'), oneDrive('business')]

/** One of each provider, for what does not depend on the hash (listing, pruning). */
export const CLOUD_PROVIDERS: CloudKind[] = [GOOGLE_DRIVE, oneDrive('business')]

/**
 * For a describe block: starts the kind before its tests and closes every emulator after them;
 * returns the function that makes a connected home.
 */
export function cloudHomesFor(kind: CloudKind): (extra?: NodeJS.ProcessEnv) => Promise<CloudHome> {
  let started: Awaited<ReturnType<CloudKind['start']>> | undefined
  beforeAll(async () => {
    started = await kind.start()
  })
  afterAll(async () => {
    await started?.close()
  })
  return (extra) => started!.home(extra)
}
