import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './cli-process.ts'

export interface TestCa {
  /** The CA certificate's file: NODE_EXTRA_CA_CERTS for a CLI process. */
  caFile: string
  ca: string
  /** The server's key and certificate (for 127.0.0.1 and localhost), signed by the CA. */
  key: string
  cert: string
  /** Removes the CA's folder (its key included). */
  remove(): void
}

/**
 * A throwaway certificate authority and one server certificate it signed, made by openssl for
 * this run: the https emulators show it, and only a client told to trust the CA accepts it.
 */
export function makeTestCa(): TestCa {
  const dir = tempDir('test-ca')
  const at = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=FTB Test CA',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
  )
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
  )
  const extensions = at('server.ext')
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    extensions,
    '-out',
    at('server.pem'),
  )
  return {
    caFile: at('ca.pem'),
    ca: readFileSync(at('ca.pem'), 'utf8'),
    key: readFileSync(at('server.key'), 'utf8'),
    cert: readFileSync(at('server.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
