import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3'
import { AppError, isAppError } from '../../../shared/app-error.ts'
import type { RoutedAgents } from '../../net/routed-agents.ts'
import type { Credentials, DownloadOptions, RemoteEntry } from '../provider.ts'
import { rangeAnswer, rangeFrom, writeFrom } from '../ranged-download.ts'
import { s3Access } from './s3-client.ts'
import { codeOf, s3Failure } from './s3-errors.ts'
import { folderKey, keyOf, pathOf } from './object-keys.ts'

/**
 * Listing, downloading and removing backups in the bucket (restore and retention): one call per
 * s3Files(), whose client is closed after it.
 */
export function s3Files(credentials: Credentials, agents?: RoutedAgents) {
  const { client, settings } = s3Access(credentials, agents)
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
        ...listedChecksum(object.ETag),
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

  /** Whether the object is `size` bytes long: a Range from there is refused, with nothing left. */
  async function endsAt(Key: string, size: number): Promise<boolean> {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }))
    return head.ContentLength === size
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
     * Streams the object into `target`, never holding it in memory; from `options.offset` by a
     * ranged GetObject. A body shorter than the server announced is a broken transfer (network),
     * which the caller resumes from what arrived.
     */
    async download(remotePath: string, target: string, options: DownloadOptions = {}) {
      const offset = options.offset ?? 0
      const Key = keyOf(prefix, remotePath)
      try {
        options.signal?.throwIfAborted()
        const answer = await client
          .send(new GetObjectCommand({ Bucket: bucket, Key, Range: rangeFrom(offset).range }), {
            abortSignal: options.signal,
          })
          .catch(async (error: unknown) => {
            if (codeOf(error) !== 'InvalidRange' || !(await endsAt(Key, offset))) throw error
            return undefined
          })
        if (!answer) return
        const status = answer.$metadata.httpStatusCode ?? 200
        const contentRange = answer.ContentRange ?? null
        const how = await rangeAnswer({ status, contentRange }, offset, `GetObject ${Key}`)
        const start = how === 'rest' ? offset : 0
        await writeFrom(answer.Body as Readable, target, start, options)
        const { size } = await stat(target)
        if (size !== start + (answer.ContentLength ?? 0))
          throw new AppError(
            'network',
            `${remotePath} broke off at ${size} of ${start + (answer.ContentLength ?? 0)} bytes.`,
          )
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason
        if (isAppError(error)) throw error
        if (codeOf(error) === 'NoSuchKey')
          throw new AppError(
            'remote_not_found',
            `There is no file at ${remotePath} in the bucket.`,
            { cause: error },
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

/**
 * The checksum a listing gives without a request per object: ListObjectsV2 names an object's
 * ChecksumAlgorithm but not its value, so only the ETag is at hand. A single-request upload's
 * ETag is the MD5 of its bytes ("md5", as the uploader records it). A multipart ETag
 * ("<md5 of part md5s>-<parts>") cannot be checked without the part size, so it is left out.
 */
function listedChecksum(etag: string | undefined): Pick<RemoteEntry, 'checksum'> {
  const value = etag?.replace(/"/g, '').toLowerCase()
  return value && /^[0-9a-f]{32}$/.test(value) ? { checksum: { algorithm: 'md5', value } } : {}
}
