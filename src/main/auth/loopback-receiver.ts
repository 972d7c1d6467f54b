import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { AppError, isAppError } from '../../shared/app-error.ts'
import type { DeliverAnswer, RedirectReceiver } from './redirect-receiver.ts'

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

/**
 * Answers through http://127.0.0.1:PORT/oauth/callback; serves one good answer, then closes.
 * Port 0 lets the OS pick a free one, for providers that accept any loopback port (Google); the
 * redirect URI is known once `start` has bound it.
 */
export class LoopbackReceiver implements RedirectReceiver {
  readonly kind = 'loopback'
  private port: number
  private server: Server | undefined

  constructor(port: number) {
    this.port = port
  }

  get redirectUri(): string {
    return `http://127.0.0.1:${this.port}/oauth/callback`
  }

  async start(deliver: DeliverAnswer): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response, deliver))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES'
            ? new AppError(
                'loopback_port_in_use',
                `Port ${this.port} on 127.0.0.1 is already in use.`,
              )
            : error,
        ),
      )
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as { port: number }).port
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server?.listening) return
    await new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
  }

  private async handle(request: IncomingMessage, response: ServerResponse, deliver: DeliverAnswer) {
    const url = new URL(request.url ?? '/', this.redirectUri)
    // Refuse other Host names so a web page can't reach this server through DNS rebinding.
    if (request.headers.host !== `127.0.0.1:${this.port}`) return page(response, 421, 'Wrong host.')
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
