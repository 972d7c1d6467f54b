import { escapeXml } from './http-io.ts'

/** What one resource offers, by the property's local name; folders leave file props undefined. */
export interface ResourceProps {
  href: string
  isFolder: boolean
  size?: number
  mtime?: number
  etag?: string
  fileId?: number
  checksum?: string
  quotaUsed?: number
  quotaAvailable?: number
}

// Nextcloud's namespaces: DAV:, ownCloud's (oc:) and Nextcloud's (nc:).
const NS =
  'xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"'

const OC_PROPS = ['fileid', 'size', 'checksums']

const ALLPROP = ['resourcetype', 'getcontentlength', 'getlastmodified', 'getetag', 'getcontenttype']

/** The local names a PROPFIND body asks for; an empty body or <allprop/> means the DAV set. */
export function requestedProps(body: string): string[] {
  if (body.trim() === '' || /<([\w-]+:)?allprop\b/.test(body)) return ALLPROP
  const inner = /<(?:[\w-]+:)?prop\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?prop>/.exec(body)?.[1]
  if (inner === undefined) throw new Error('not a PROPFIND body')
  return [...inner.matchAll(/<(?:[\w-]+:)?([\w-]+)[\s/>]/g)].map((m) => m[1]!)
}

/** One property's XML, or undefined when this resource does not have it (a 404 propstat). */
function propXml(name: string, r: ResourceProps): string | undefined {
  switch (name) {
    case 'resourcetype':
      return r.isFolder ? '<d:resourcetype><d:collection/></d:resourcetype>' : '<d:resourcetype/>'
    case 'getcontentlength':
      return r.isFolder ? undefined : `<d:getcontentlength>${r.size}</d:getcontentlength>`
    case 'getlastmodified':
      return r.mtime === undefined
        ? undefined
        : `<d:getlastmodified>${new Date(r.mtime * 1000).toUTCString()}</d:getlastmodified>`
    case 'getetag':
      return r.etag === undefined ? undefined : `<d:getetag>&quot;${r.etag}&quot;</d:getetag>`
    case 'getcontenttype':
      return r.isFolder
        ? undefined
        : '<d:getcontenttype>application/octet-stream</d:getcontenttype>'
    case 'quota-used-bytes':
      return r.quotaUsed === undefined
        ? undefined
        : `<d:quota-used-bytes>${r.quotaUsed}</d:quota-used-bytes>`
    case 'quota-available-bytes':
      return r.quotaAvailable === undefined
        ? undefined
        : `<d:quota-available-bytes>${r.quotaAvailable}</d:quota-available-bytes>`
    case 'fileid':
      return r.fileId === undefined ? undefined : `<oc:fileid>${r.fileId}</oc:fileid>`
    case 'size':
      return r.size === undefined ? undefined : `<oc:size>${r.size}</oc:size>`
    case 'checksums':
      if (r.isFolder) return undefined
      // A file uploaded without OC-Checksum has an empty list.
      return r.checksum
        ? `<oc:checksums><oc:checksum>${escapeXml(r.checksum)}</oc:checksum></oc:checksums>`
        : '<oc:checksums/>'
    default:
      return undefined
  }
}

export function multistatus(resources: ResourceProps[], props: string[]): string {
  const responses = resources.map((r) => {
    const found: string[] = []
    const missing: string[] = []
    for (const name of props) {
      const xml = propXml(name, r)
      if (xml === undefined) missing.push(`<${OC_PROPS.includes(name) ? 'oc' : 'd'}:${name}/>`)
      else found.push(xml)
    }
    const stat = (xml: string[], status: string) =>
      xml.length === 0
        ? ''
        : `<d:propstat><d:prop>${xml.join('')}</d:prop><d:status>HTTP/1.1 ${status}</d:status></d:propstat>`
    return `<d:response><d:href>${escapeXml(r.href)}</d:href>${stat(found, '200 OK')}${stat(missing, '404 Not Found')}</d:response>`
  })
  return `<?xml version="1.0"?>\n<d:multistatus ${NS}>${responses.join('')}</d:multistatus>`
}

/** "/a b/c" as the href Nextcloud writes: each segment percent-encoded. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}
