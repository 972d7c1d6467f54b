import { randomBytes } from 'node:crypto'

/** An S3 error reply: the status and XML body AWS documents (ErrorResponses, "List of error codes"). */
export interface S3Reply {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

export class S3Error extends Error {
  readonly status: number
  readonly code: string
  readonly extra: Record<string, string>

  constructor(status: number, code: string, message: string, extra: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.code = code
    this.extra = extra
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function xmlElements(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('')
}

export function errorReply(error: S3Error, resource: string): S3Reply {
  const requestId = randomBytes(8).toString('hex').toUpperCase()
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    xmlElements({ Code: error.code, Message: error.message, ...error.extra, Resource: resource }) +
    xmlElements({ RequestId: requestId }) +
    '</Error>'
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body,
  }
}

export function xmlReply(
  root: string,
  inner: string,
  headers: Record<string, string> = {},
): S3Reply {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`,
  }
}
