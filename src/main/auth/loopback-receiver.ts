import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { DeliverAnswer, LoopbackHost, RedirectReceiver } from './redirect-receiver.ts'

/** Dropbox matches redirect URIs exactly, port included, so the port is fixed and registered. */
export const DEFAULT_LOOPBACK_PORT = 53135

export function loopbackPort(env: NodeJS.ProcessEnv): number {
  const text = env.FTB_LOOPBACK_PORT
  if (!text) return DEFAULT_LOOPBACK_PORT
  const port = Number(text)
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new AppError('usage', 'FTB_LOOPBACK_PORT must be a port number from 1024 to 65535.')
  }
  return port
}

/** Tries for a port free on both loopback addresses, where `localhost` needs both. */
const DUAL_STACK_TRIES = 5

/**
 * Answers through http://HOST:PORT/oauth/callback; serves one good answer, then closes.
 * Port 0 lets the OS pick a free one, for providers that accept any loopback port (Google,
 * Microsoft); the redirect URI is known once `start` has bound it. For `localhost` it listens on
 * 127.0.0.1 and on ::1 at the same port, as a browser may resolve the name to either.
 */
export class LoopbackReceiver implements RedirectReceiver {
  readonly kind = 'loopback'
  /** 0 when the OS picks (and may pick again); otherwise the registered port. */
  private readonly asked: number
  private port: number
  private readonly host: LoopbackHost
  private servers: Server[] = []

  constructor(port: number, host: LoopbackHost = '127.0.0.1') {
    this.asked = port
    this.port = port
    this.host = host
  }

  get redirectUri(): string {
    return `http://${this.host}:${this.port}/oauth/callback`
  }

  async start(deliver: DeliverAnswer): Promise<void> {
    const serve = () =>
      createServer((request, response) => void this.handle(request, response, deliver))
    for (let attempt = 1; ; attempt++) {
      const v4 = (await listen(serve(), this.asked, '127.0.0.1'))!
      this.servers = [v4]
      this.port = (v4.address() as { port: number }).port
      if (this.host !== 'localhost') return
      try {
        const v6 = await listen(serve(), this.port, '::1')
        if (v6) this.servers.push(v6)
        return
      } catch (error) {
        // Free on 127.0.0.1 but taken on ::1: an OS-picked port is picked again.
        await this.close()
        if (this.asked !== 0 || attempt >= DUAL_STACK_TRIES) throw error
      }
    }
  }

  async close(): Promise<void> {
    const servers = this.servers.filter((server) => server.listening)
    await Promise.all(
      servers.map(async (server) => {
        await new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
      }),
    )
  }

  private async handle(request: IncomingMessage, response: ServerResponse, deliver: DeliverAnswer) {
    const url = new URL(request.url ?? '/', this.redirectUri)
    // Refuse other Host names so a web page can't reach this server through DNS rebinding.
    if (request.headers.host !== `${this.host}:${this.port}`)
      return page(response, 421, 'Wrong host.')
    if (url.pathname !== '/oauth/callback') return page(response, 404, 'Not found.')
    if (request.method !== 'GET') return page(response, 405, 'Method not allowed.')
    try {
      await deliver({ kind: 'url', url: url.href })
      page(response, 200, 'Fermentrack Backup Companion is connected. You can close this tab.')
      void this.close()
    } catch (error) {
      const message = isAppError(error) ? error.message : 'The sign-in failed.'
      page(response, 400, message)
    }
  }
}

/**
 * Listens at address:port. A machine without IPv6 gives undefined for ::1 (nothing to serve
 * there); a port in use is `loopback_port_in_use`.
 */
function listen(server: Server, port: number, address: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (address === '::1' && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code ?? ''))
        return resolve(undefined)
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new AppError('loopback_port_in_use', `Port ${port} on ${address} is already in use.`)
          : error,
      )
    })
    server.listen(port, address, () => resolve(server))
  })
}

function page(response: ServerResponse, status: number, message: string): void {
  const body = `<!doctype html><meta charset="utf-8"><title>Fermentrack Backup Companion</title>
<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:36em;color:#222}
@media (prefers-color-scheme:dark){body{background:#1c1c1e;color:#eee}}</style>
<h1>Fermentrack Backup Companion</h1><p>${escapeHtml(message)}</p>`
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'cache-control': 'no-store',
    connection: 'close',
  })
  response.end(body)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
