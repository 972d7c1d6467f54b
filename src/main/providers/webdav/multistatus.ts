import { parseXML } from 'webdav'
import { AppError } from '../../../shared/app-error.ts'
import { pathOfHref } from './webdav-paths.ts'

/** One resource of a PROPFIND answer, with the properties this app reads. */
export interface DavResource {
  /** The remote path (see webdav-paths.ts). */
  path: string
  isFolder: boolean
  size: number
  modified: string | null
  /** Properties found (status 200), by local name without namespace: e.g. "checksums". */
  props: Record<string, unknown>
}

interface ParsedResponse {
  href: unknown
  propstat?: { prop?: Record<string, unknown>; status?: unknown }
}

/**
 * Reads a 207 Multi-Status body (RFC 4918 §14.16). The XML is parsed by the `webdav` package's
 * parseXML (fast-xml-parser, namespace prefixes removed), a well-kept parser for exactly this
 * envelope; writing an XML parser here would be the wrong place to save a dependency.
 *
 * parseXML keeps only a response's first propstat. That is why every PROPFIND this provider
 * sends asks either for all properties (allprop: one 200 propstat) or for properties that a
 * server has all or none of (the two quota properties; the one checksum property).
 */
export async function parseMultistatus(base: string, xml: string): Promise<DavResource[]> {
  let responses: ParsedResponse[]
  try {
    const result = await parseXML(xml)
    responses = result.multistatus.response as unknown as ParsedResponse[]
  } catch (error) {
    throw new AppError('connection_test_failed', 'The server did not answer as WebDAV does.', {
      cause: error,
    })
  }
  const resources: DavResource[] = []
  for (const response of responses) {
    const path = pathOfHref(base, String(response.href))
    if (path === undefined) continue
    const found = / 200 /.test(String(response.propstat?.status ?? ''))
    const props = found ? (response.propstat?.prop ?? {}) : {}
    resources.push({
      path,
      isFolder: isCollection(props.resourcetype),
      size: Number(props.getcontentlength ?? 0) || 0,
      modified: isoTime(props.getlastmodified),
      props,
    })
  }
  return resources
}

function isCollection(resourcetype: unknown): boolean {
  return typeof resourcetype === 'object' && resourcetype !== null && 'collection' in resourcetype
}

function isoTime(value: unknown): string | null {
  if (value === undefined || value === '') return null
  const time = new Date(String(value))
  return Number.isNaN(time.getTime()) ? null : time.toISOString()
}
