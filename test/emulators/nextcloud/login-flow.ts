import { randomBytes } from 'node:crypto'
import type { Accounts } from './accounts.ts'
import { jsonReply, type Reply } from './http-io.ts'

/** Login Flow v2 tokens are valid for 20 minutes (Nextcloud's LoginFlowV2Service). */
export const LOGIN_FLOW_TTL_MS = 20 * 60 * 1000

interface Flow {
  pollToken: string
  loginToken: string
  created: number
  /** Set when the user has granted access in the browser. */
  appPassword: string | undefined
}

/**
 * Login Flow v2: an anonymous client starts a flow, the user opens the login page and grants
 * access, and the client's polls get the credentials once. The browser half is a test hook.
 */
export class LoginFlows {
  private readonly flows: Flow[] = []

  private readonly accounts: Accounts
  private readonly baseUrl: string
  private readonly now: () => number

  constructor(accounts: Accounts, baseUrl: string, now: () => number) {
    this.accounts = accounts
    this.baseUrl = baseUrl
    this.now = now
  }

  start(): Reply {
    const flow: Flow = {
      pollToken: randomBytes(48).toString('hex'),
      loginToken: randomBytes(48).toString('hex'),
      created: this.now(),
      appPassword: undefined,
    }
    this.flows.push(flow)
    return jsonReply(200, {
      poll: { token: flow.pollToken, endpoint: `${this.baseUrl}/index.php/login/v2/poll` },
      login: `${this.baseUrl}/index.php/login/v2/flow/${flow.loginToken}`,
    })
  }

  /** 404 until granted, then 200 with the credentials exactly once, then 404 again. */
  poll(form: URLSearchParams): Reply {
    const flow = this.live((f) => f.pollToken === form.get('token'))
    if (!flow?.appPassword) return jsonReply(404, [])
    this.flows.splice(this.flows.indexOf(flow), 1)
    return jsonReply(200, {
      server: this.baseUrl,
      loginName: this.accounts.user.loginName,
      appPassword: flow.appPassword,
    })
  }

  /** The page the user opens; the emulator has no sign-in form, only this notice. */
  page(loginToken: string): Reply {
    const flow = this.live((f) => f.loginToken === loginToken)
    if (!flow) return { status: 404, body: 'Login flow not found or expired' }
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><title>Connect to your account</title><p>Nextcloud emulator: a test grants this login.</p>',
    }
  }

  grant(loginUrl: string): void {
    const token = /\/login\/v2\/flow\/([0-9a-f]+)$/.exec(new URL(loginUrl).pathname)?.[1]
    const flow = this.live((f) => f.loginToken === token)
    if (!flow) throw new Error(`no pending login at ${loginUrl}`)
    flow.appPassword ??= this.accounts.mint()
  }

  /** A flow that matches and has not expired; expired flows are dropped on the way. */
  private live(match: (flow: Flow) => boolean): Flow | undefined {
    const now = this.now()
    for (let i = this.flows.length - 1; i >= 0; i--) {
      if (now - this.flows[i]!.created > LOGIN_FLOW_TTL_MS) this.flows.splice(i, 1)
    }
    return this.flows.find(match)
  }
}
