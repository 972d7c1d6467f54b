import { parseXML } from 'webdav'

/** One resource of a PROPFIND answer, as this app needs it. */
export interface DavEntry {
  /** The decoded URL path, e.g. /remote.php/dav/files/brewer/Fermentrack Backups/a.tar.xz. */
  path: string
  isFolder: boolean
  size: number
  modified: string | null
  /** The SHA-256 (hex) among oc:checksums, which Nextcloud stores from a checked OC-Checksum. */
  sha256: string | undefined
  quotaUsed: number | undefined
  quotaAvailable: number | undefined
}

/** What every PROPFIND of ours asks for. */
export const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop>' +
  '<d:resourcetype/><d:getcontentlength/><d:getlastmodified/>' +
  '<d:quota-used-bytes/><d:quota-available-bytes/><oc:checksums/>' +
  '</d:prop></d:propfind>'

type Props = Record<string, unknown>

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : Number(value)
  return value === undefined || value === '' || !Number.isFinite(n) ? undefined : n
}

/** oc:checksums holds space-separated "ALGO:hex" values, in one or more oc:checksum elements. */
function sha256Of(checksums: unknown): string | undefined {
  const values = list((checksums as { checksum?: unknown } | undefined)?.checksum)
  for (const token of values.flatMap((v) => String(v).split(/\s+/))) {
    const match = /^SHA256:([0-9a-f]{64})$/i.exec(token)
    if (match) return match[1]!.toLowerCase()
  }
  return undefined
}

function entryOf(href: string, props: Props): DavEntry {
  const modified = props.getlastmodified ? new Date(String(props.getlastmodified)) : undefined
  const resourcetype = props.resourcetype as { collection?: unknown } | string | undefined
  return {
    path: decodeURIComponent(new URL(href, 'http://href.invalid').pathname).replace(/(.)\/$/, '$1'),
    isFolder:
      typeof resourcetype === 'object' && resourcetype !== null && 'collection' in resourcetype,
    size: numberOf(props.getcontentlength) ?? 0,
    modified: modified && !Number.isNaN(modified.getTime()) ? modified.toISOString() : null,
    sha256: sha256Of(props.checksums),
    quotaUsed: numberOf(props['quota-used-bytes']),
    quotaAvailable: numberOf(props['quota-available-bytes']),
  }
}

/**
 * A 207 multistatus body as entries. The XML is read by the `webdav` package's parser (the
 * well-kept npm WebDAV client), which keeps the successful propstat and drops namespaces.
 */
export async function parseMultistatus(xml: string): Promise<DavEntry[]> {
  const result = await parseXML(xml)
  return list(result.multistatus.response).map((response) => {
    const propstat =
      list(response.propstat).find((p) => /\s200\s/.test(p.status)) ?? list(response.propstat)[0]
    return entryOf(String(response.href), (propstat?.prop ?? {}) as Props)
  })
}
