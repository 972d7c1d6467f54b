import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { S3Error } from './s3-error.ts'

/**
 * Strict AWS Signature Version 4 checking of the Authorization header, written from the AWS
 * docs ("Create a signed AWS API request", and S3's "Signature Calculations for the
 * Authorization Header"). s3rver only looks up the access key id and never computes a V4
 * signature, so a wrong secret passes there; here it is refused as AWS refuses it.
 */
export interface SignedRequest {
  method: string
  /** The path and query exactly as they came on the request line. */
  rawUrl: string
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface KeyRing {
  region: string
  secretOf(accessKeyId: string): string | undefined
  now(): number
}

const SKEW_MS = 15 * 60 * 1000
const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 unreserved characters stay, everything else is %XX (upper case), as SigV4 says. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

function canonicalQuery(query: string): string {
  if (query === '') return ''
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
      const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, '%20'))
      return [uriEncode(name), uriEncode(value)] as const
    })
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name]
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  return text.trim().replace(/\s+/g, ' ')
}

function amzTime(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp)
  if (!m) return NaN
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
}

function parseAuthorization(header: string | undefined) {
  const match = AUTH.exec(header ?? '')
  if (!match)
    throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.')
  const [accessKeyId = '', date = '', region = '', service = '', terminal = ''] =
    match[1]!.split('/')
  return {
    accessKeyId,
    date,
    region,
    service,
    terminal,
    signedHeaders: match[2]!,
    signature: match[3]!,
  }
}

/** The payload hash the client declared, checked against the body where it is a real hash. */
function payloadHash(request: SignedRequest): string {
  const declared = headerValue(request.headers, 'x-amz-content-sha256')
  if (declared === '')
    throw new S3Error(
      400,
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
    )
  if (declared === 'UNSIGNED-PAYLOAD') return declared
  if (declared.startsWith('STREAMING-'))
    // aws-chunked bodies (trailing checksums) are not decoded by this emulator: refused openly.
    throw new S3Error(
      501,
      'NotImplemented',
      'aws-chunked payloads are not implemented by this emulator.',
    )
  if (!/^[0-9a-f]{64}$/.test(declared))
    throw new S3Error(
      400,
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.',
    )
  if (sha256(request.body) !== declared)
    throw new S3Error(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    )
  return declared
}

/** Returns the access key id of a correctly signed request; throws the S3 error AWS would give. */
export function checkSignature(request: SignedRequest, keys: KeyRing): string {
  if (!request.headers.authorization) throw new S3Error(403, 'AccessDenied', 'Access Denied')
  const auth = parseAuthorization(request.headers.authorization)
  const secret = keys.secretOf(auth.accessKeyId)
  if (secret === undefined)
    throw new S3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        AWSAccessKeyId: auth.accessKeyId,
      },
    )
  if (auth.region !== keys.region || auth.service !== 's3' || auth.terminal !== 'aws4_request')
    throw new S3Error(
      400,
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${keys.region}'`,
      {
        Region: keys.region,
      },
    )
  const stamp = headerValue(request.headers, 'x-amz-date')
  const time = amzTime(stamp)
  if (Number.isNaN(time) || !stamp.startsWith(auth.date))
    throw new S3Error(
      403,
      'AccessDenied',
      'AWS authentication requires a valid Date or x-amz-date header',
    )
  if (Math.abs(keys.now() - time) > SKEW_MS)
    throw new S3Error(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    )
  const signed = auth.signedHeaders.split(';')
  const unsignedAmz = Object.keys(request.headers).filter(
    (h) => h.startsWith('x-amz-') && !signed.includes(h),
  )
  if (!signed.includes('host') || unsignedAmz.length > 0)
    throw new S3Error(
      403,
      'AccessDenied',
      `There were headers present in the request which were not signed: ${unsignedAmz.join(', ') || 'host'}`,
    )
  const hash = payloadHash(request)
  const q = request.rawUrl.indexOf('?')
  const path = q < 0 ? request.rawUrl : request.rawUrl.slice(0, q)
  const canonical = [
    request.method,
    path,
    canonicalQuery(q < 0 ? '' : request.rawUrl.slice(q + 1)),
    ...signed.map((h) => `${h}:${headerValue(request.headers, h)}`),
    '',
    auth.signedHeaders,
    hash,
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/s3/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256(canonical)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), 's3'), 'aws4_request')
  const expected = createHmac('sha256', key).update(toSign).digest()
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex')))
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: auth.accessKeyId,
      },
    )
  return auth.accessKeyId
}
