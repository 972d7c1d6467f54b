import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import {
  MAX_PARTS,
  MIN_PART_BYTES,
  type MultipartStore,
  type PendingUpload,
} from './multipart-store.ts'
import { S3Error, xmlElements, xmlReply, type S3Reply } from './s3-error.ts'

/**
 * The multipart upload API, written from the S3 API reference (CreateMultipartUpload,
 * UploadPart, ListParts, CompleteMultipartUpload, AbortMultipartUpload). s3rver 3.7 has no
 * ListParts and no Abort, takes parts for any upload id, and checks nothing at Complete, so the
 * whole flow is served here; the finished object is handed to s3rver, which stores it.
 */
export interface ObjectRequest {
  method: string
  bucket: string
  key: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface FinishedObject {
  bucket: string
  key: string
  body: Buffer
  headers: Record<string, string>
  /** The multipart ETag ("md5-of-part-md5s-N") and composite checksum S3 reports for it. */
  etag: string
  checksumSha256?: string
}

export interface MultipartRoutesOptions {
  store: MultipartStore
  /** Stores the assembled object (in s3rver). */
  storeObject(object: FinishedObject): Promise<void>
}

const md5Hex = (data: Buffer) => createHash('md5').update(data).digest('hex')
const sha256B64 = (data: Buffer) => createHash('sha256').update(data).digest('base64')

/** Whether this request belongs to the multipart API (the rest goes to s3rver). */
export function isMultipartRequest(request: ObjectRequest): boolean {
  const { method, query } = request
  return (
    (method === 'POST' && (query.has('uploads') || query.has('uploadId'))) ||
    (query.has('uploadId') && ['PUT', 'GET', 'DELETE'].includes(method))
  )
}

export async function multipartRoute(
  request: ObjectRequest,
  options: MultipartRoutesOptions,
): Promise<S3Reply> {
  const { method, query, bucket, key } = request
  const { store } = options
  if (method === 'POST' && query.has('uploads')) return create(request, store)
  const upload = store.get(bucket, key, query.get('uploadId') ?? '')
  if (method === 'PUT') return uploadPart(request, upload, store)
  if (method === 'GET') return listParts(request, upload)
  if (method === 'DELETE') {
    store.remove(upload.uploadId)
    return { status: 204, headers: {}, body: '' }
  }
  return complete(request, upload, options)
}

function create(request: ObjectRequest, store: MultipartStore): S3Reply {
  const algorithm = request.headers['x-amz-checksum-algorithm']
  if (algorithm !== undefined && algorithm !== 'SHA256')
    throw new S3Error(
      400,
      'InvalidRequest',
      `This emulator supports only the SHA256 checksum algorithm, not ${String(algorithm)}.`,
    )
  const kept: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers))
    if ((name === 'content-type' || name.startsWith('x-amz-meta-')) && typeof value === 'string')
      kept[name] = value
  const upload = store.create(request.bucket, request.key, kept, algorithm)
  return xmlReply(
    'InitiateMultipartUploadResult',
    xmlElements({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId }),
    algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {},
  )
}

function checkDigests(request: ObjectRequest, upload: PendingUpload): string | undefined {
  const md5 = request.headers['content-md5']
  if (typeof md5 === 'string') {
    if (Buffer.from(md5, 'base64').length !== 16)
      throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.')
    if (createHash('md5').update(request.body).digest('base64') !== md5)
      throw new S3Error(
        400,
        'BadDigest',
        'The Content-MD5 you specified did not match what we received.',
      )
  }
  const sha = request.headers['x-amz-checksum-sha256']
  if (typeof sha !== 'string') {
    if (upload.checksumAlgorithm)
      throw new S3Error(
        400,
        'InvalidRequest',
        'The upload was created using a sha256 checksum. The part must include a sha256 checksum.',
      )
    return undefined
  }
  if (Buffer.from(sha, 'base64').length !== 32)
    throw new S3Error(400, 'InvalidRequest', 'Value for x-amz-checksum-sha256 header is invalid.')
  if (sha256B64(request.body) !== sha)
    throw new S3Error(
      400,
      'BadDigest',
      'The SHA256 you specified did not match the calculated checksum.',
    )
  return sha
}

function uploadPart(request: ObjectRequest, upload: PendingUpload, store: MultipartStore): S3Reply {
  const number = Number(request.query.get('partNumber'))
  if (!Number.isInteger(number) || number < 1 || number > MAX_PARTS)
    throw new S3Error(
      400,
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      {
        ArgumentName: 'partNumber',
        ArgumentValue: String(request.query.get('partNumber')),
      },
    )
  const sha = checkDigests(request, upload)
  const part = store.putPart(upload, number, request.body, sha)
  return {
    status: 200,
    headers: { etag: `"${part.md5}"`, ...(sha ? { 'x-amz-checksum-sha256': sha } : {}) },
    body: '',
  }
}

function listParts(request: ObjectRequest, upload: PendingUpload): S3Reply {
  const maxParts = Math.min(1000, Number(request.query.get('max-parts') ?? 1000))
  const marker = Number(request.query.get('part-number-marker') ?? 0)
  const all = [...upload.parts.values()]
    .filter((p) => p.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber)
  const page = all.slice(0, maxParts)
  const truncated = all.length > page.length
  const parts = page
    .map(
      (p) =>
        '<Part>' +
        xmlElements({
          PartNumber: String(p.partNumber),
          LastModified: p.lastModified.toISOString(),
          ETag: `"${p.md5}"`,
          Size: String(p.data.length),
          ...(p.sha256 ? { ChecksumSHA256: p.sha256 } : {}),
        }) +
        '</Part>',
    )
    .join('')
  return xmlReply(
    'ListPartsResult',
    xmlElements({
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      PartNumberMarker: String(marker),
      NextPartNumberMarker: String(page.at(-1)?.partNumber ?? marker),
      MaxParts: String(maxParts),
      IsTruncated: String(truncated),
      ...(upload.checksumAlgorithm ? { ChecksumAlgorithm: upload.checksumAlgorithm } : {}),
    }) + parts,
  )
}

interface RequestedPart {
  partNumber: number
  etag: string
  sha256?: string
}

const MALFORMED = () =>
  new S3Error(
    400,
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  )

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.replace(/&quot;|&#34;/g, '"')
}

function requestedParts(body: string): RequestedPart[] {
  if (!/<CompleteMultipartUpload[\s>]/.test(body)) throw MALFORMED()
  const parts = [...body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inner = '']) => {
    const partNumber = Number(tag(inner, 'PartNumber'))
    const etag = tag(inner, 'ETag')
    if (!Number.isInteger(partNumber) || etag === undefined) throw MALFORMED()
    return { partNumber, etag: etag.replace(/"/g, ''), sha256: tag(inner, 'ChecksumSHA256') }
  })
  if (parts.length === 0) throw MALFORMED()
  return parts
}

async function complete(
  request: ObjectRequest,
  upload: PendingUpload,
  options: MultipartRoutesOptions,
): Promise<S3Reply> {
  const asked = requestedParts(request.body.toString('utf8'))
  const stored = asked.map((want, i) => {
    if (i > 0 && want.partNumber <= asked[i - 1]!.partNumber)
      throw new S3Error(
        400,
        'InvalidPartOrder',
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      )
    const part = upload.parts.get(want.partNumber)
    if (
      !part ||
      part.md5 !== want.etag ||
      (upload.checksumAlgorithm && want.sha256 !== part.sha256)
    )
      throw new S3Error(
        400,
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        {
          UploadId: upload.uploadId,
          PartNumber: String(want.partNumber),
          ETag: want.etag,
        },
      )
    return part
  })
  stored.slice(0, -1).forEach((part) => {
    if (part.data.length < MIN_PART_BYTES)
      throw new S3Error(
        400,
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
        {
          ProposedSize: String(part.data.length),
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(part.partNumber),
        },
      )
  })
  // S3's multipart ETag: the MD5 of the parts' binary MD5s, then "-" and the part count.
  const etag = `${md5Hex(Buffer.concat(stored.map((p) => Buffer.from(p.md5, 'hex'))))}-${stored.length}`
  const checksumSha256 = upload.checksumAlgorithm
    ? `${sha256B64(Buffer.concat(stored.map((p) => Buffer.from(p.sha256!, 'base64'))))}-${stored.length}`
    : undefined
  await options.storeObject({
    bucket: upload.bucket,
    key: upload.key,
    body: Buffer.concat(stored.map((p) => p.data)),
    headers: upload.headers,
    etag,
    checksumSha256,
  })
  options.store.remove(upload.uploadId)
  return xmlReply(
    'CompleteMultipartUploadResult',
    xmlElements({
      Location: `/${upload.bucket}/${upload.key}`,
      Bucket: upload.bucket,
      Key: upload.key,
      ETag: `"${etag}"`,
      ...(checksumSha256 ? { ChecksumSHA256: checksumSha256 } : {}),
    }),
  )
}
