// Serves the built renderer over app://companion instead of file://.
//
// The grantFileProtocolExtraPrivileges fuse is off (electron-builder.yml), and without it
// file:// pages lose the CORS exemption that Vite's `<script type="module" crossorigin>` output
// needs. A privileged standard scheme also gives the page a real origin for the navigation check.
// Electron objects are passed in and imported as types only, so this file runs under plain Node.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { CustomScheme, Net, Protocol } from 'electron'
import type { Logger } from '../log/logger.ts'

export const RENDERER_SCHEME = 'app'
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://companion`
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`

/** The built renderer's policy: the same as the meta tag in src/renderer/index.html. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/** Pass to `protocol.registerSchemesAsPrivileged` before the app is ready. */
export const rendererScheme: CustomScheme = {
  scheme: RENDERER_SCHEME,
  // standard: relative URLs and a tuple origin; secure: a secure context like https;
  // supportFetchAPI + corsEnabled: module scripts and fetch() can load from it.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
}

/**
 * The file under `rootDir` that an app:// URL names, or null for any URL that is not on the
 * renderer's origin or that would escape `rootDir`.
 */
export function resolveRendererFile(url: string, rootDir: string): string | null {
  const parsed = URL.parse(url)
  if (parsed === null || `${parsed.protocol}//${parsed.host}` !== RENDERER_ORIGIN) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (pathname.includes('\0')) return null
  const root = path.resolve(rootDir)
  const file = path.resolve(root, '.' + (pathname === '/' ? '/index.html' : pathname))
  return file.startsWith(root + path.sep) ? file : null
}

export interface RendererProtocolOptions {
  protocol: Pick<Protocol, 'handle'>
  net: Pick<Net, 'fetch'>
  /** The renderer build output (out/renderer). */
  rootDir: string
  log: Pick<Logger, 'warn'>
}

const notFound = () => new Response('Not found', { status: 404 })

export function registerRendererProtocol({
  protocol,
  net,
  rootDir,
  log,
}: RendererProtocolOptions): void {
  protocol.handle(RENDERER_SCHEME, async (request) => {
    const file = resolveRendererFile(request.url, rootDir)
    if (file === null) return notFound()
    let response: Response
    try {
      // net.fetch rejects (net::ERR_FILE_NOT_FOUND) rather than answering 404 for a missing
      // file; a rejection here would only reach Chromium as a failed load with no trace.
      response = await net.fetch(pathToFileURL(file).href)
    } catch (error) {
      log.warn('a renderer file could not be read', { url: request.url, error })
      return notFound()
    }
    // The policy also travels as a header: a page can add restrictions to it but never lift it.
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', RENDERER_CSP)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}
