import { createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3'
import { AppError, isAppError } from '../../../shared/app-error.ts'
import type { Credentials, RemoteEntry } from '../provider.ts'
import { s3Access } from './s3-client.ts'
import { codeOf, s3Failure } from './s3-errors.ts'
import { folderKey, keyOf, pathOf } from './object-keys.ts'

/**
 * Listing, downloading and removing backups in the bucket (restore and retention): one call per
 * s3Files(), whose client is closed after it.
 */
export function s3Files(credentials: Credentials) {
  const { client, settings } = s3Access(credentials)
  const { bucket, prefix } = settings
  const fail = (error: unknown, doing: string) =>
    s3Failure(error, doing, () => credentials.rejected())

  function entries(page: ListObjectsV2CommandOutput, folder: string): RemoteEntry[] {
    const files = (page.Contents ?? [])
      // A zero-byte "folder/" marker some consoles create is the folder itself, not a file in it.
      .filter((object) => object.Key !== undefined && object.Key !== folder)
      .map((object) => ({
        name: object.Key!.slice(folder.length),
        path: pathOf(prefix, object.Key!),
        size: object.Size ?? 0,
        modified: object.LastModified?.toISOString() ?? null,
        isFolder: false,
      }))
    const folders = (page.CommonPrefixes ?? []).map((common) => ({
      name: common.Prefix!.slice(folder.length, -1),
      path: pathOf(prefix, common.Prefix!.slice(0, -1)),
      size: 0,
      modified: null,
      isFolder: true,
    }))
    return [...folders, ...files]
  }

  return {
    /** The files and "folders" (common prefixes) directly under `folder`. */
    async list(folder: string): Promise<RemoteEntry[]> {
      const key = folderKey(prefix, folder)
      const found: RemoteEntry[] = []
      let token: string | undefined
      try {
        do {
          const page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: key,
              Delimiter: '/',
              ContinuationToken: token,
            }),
          )
          found.push(...entries(page, key))
          token = page.IsTruncated ? page.NextContinuationToken : undefined
        } while (token)
      } catch (error) {
        throw await fail(error, `listing ${folder}`)
      } finally {
        client.destroy()
      }
      return found
    },

    /**
     * Streams the object to a temporary file beside `target`, never holding it in memory, and
     * puts it in place only once all of it arrived: a broken download leaves no partial file.
     */
    async download(remotePath: string, target: string): Promise<void> {
      const partial = `${target}.ftb-download`
      try {
        const answer = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: keyOf(prefix, remotePath) }),
        )
        await pipeline(answer.Body as Readable, createWriteStream(partial))
        const { size } = await stat(partial)
        if (size !== answer.ContentLength)
          throw new AppError(
            'verification_failed',
            `${remotePath} arrived with ${size} of ${answer.ContentLength} bytes.`,
          )
        await rename(partial, target)
      } catch (error) {
        await rm(partial, { force: true })
        if (isAppError(error)) throw error
        if (codeOf(error) === 'NoSuchKey')
          throw new AppError(
            'remote_not_found',
            `There is no file at ${remotePath} in the bucket.`,
            {
              cause: error,
            },
          )
        throw await fail(error, `downloading ${remotePath}`)
      } finally {
        client.destroy()
      }
    },

    async remove(remotePath: string): Promise<void> {
      try {
        await client.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(prefix, remotePath) }),
        )
      } catch (error) {
        throw await fail(error, `removing ${remotePath}`)
      } finally {
        client.destroy()
      }
    },
  }
}
