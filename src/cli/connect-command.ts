import { createInterface } from 'node:readline'
import { AppError, isAppError } from '../shared/app-error.ts'
import { parseCallbackUrl, SCHEME_REDIRECT_URI } from '../main/auth/callback-url.ts'
import { sendOpenUrl } from '../main/auth/instance-channel.ts'
import { ManualReceiver } from '../main/auth/manual-receiver.ts'
import type { RedirectKind } from '../main/auth/redirect-receiver.ts'
import { chooseRedirect, makeReceiver } from '../main/auth/redirect-choice.ts'
import { isSchemeHandlerRegistered } from '../main/auth/scheme-registration.ts'
import type { Engine } from '../main/engine.ts'
import { signInTtlMs } from '../main/engine.ts'
import { connectFieldValues } from './connect-fields.ts'
import { openBrowser } from './open-browser.ts'
import { stdinLines } from './stdin-lines.ts'
import { connectionJson, connectionLine, printJson } from './output.ts'

export interface ConnectArgs {
  provider: string
  redirect: string | undefined
  browser: boolean
  json: boolean
  /** Every parsed flag: the provider's connect fields are picked from these. */
  values: Record<string, unknown>
}

export async function connectCommand(engine: Engine, args: ConnectArgs, env: NodeJS.ProcessEnv) {
  const { provider } = await engine.providers.enabled(args.provider)
  const oauth = provider.auth === 'oauth-pkce'
  // Checked before anything is read from stdin: a refused redirect changes nothing.
  const kind = oauth ? chooseRedirect(provider, redirectKind(args.redirect), defaultKind) : null
  const stdin = stdinLines()
  const fields = await connectFieldValues(args.provider, args.values, stdin.next).finally(
    stdin.close,
  )
  const receiver = kind ? makeReceiver(provider, kind, engine.home, env) : undefined
  const cancel = new AbortController()
  const onSignal = () =>
    cancel.abort(new AppError('authorization_denied', 'The sign-in was cancelled.'))
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const connection = await engine.connections.connect(args.provider, {
      receiver,
      fields,
      timeoutMs: signInTtlMs(env),
      signal: cancel.signal,
      onAuthorizeUrl: async (url) => {
        // The contract: the authorization (or login) URL alone on stdout's first line.
        process.stdout.write(url + '\n')
        if (args.browser && !(await openBrowser(url)))
          process.stderr.write('Open the address above in your browser.\n')
        if (receiver instanceof ManualReceiver)
          promptForCode(receiver, cancel, provider.displayName)
        else if (receiver)
          process.stderr.write(
            `Waiting for the browser to come back to ${receiver.redirectUri} ...\n`,
          )
        else process.stderr.write(`Waiting for you to grant access in the browser ...\n`)
      },
    })
    // A reconnected account's waiting uploads go on at once in whichever process runs the queue.
    await engine.uploads.nudge()
    if (args.json) printJson(connectionJson(connection))
    else process.stdout.write(`Connected: ${connectionLine(connection)}\n`)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** Hands a fermentrack-backup:// URL to the waiting instance, as a second app instance would. */
export async function openUrlCommand(engine: Engine, url: string) {
  parseCallbackUrl(url, SCHEME_REDIRECT_URI)
  await sendOpenUrl(engine.home, url)
  process.stdout.write('Sign-in answer accepted.\n')
}

function defaultKind(): RedirectKind {
  return isSchemeHandlerRegistered() ? 'scheme' : 'loopback'
}

function redirectKind(value: string | undefined): RedirectKind | undefined {
  if (value === undefined) return undefined
  if (value === 'scheme' || value === 'loopback' || value === 'manual') return value
  throw new AppError('usage', `--redirect must be scheme, loopback or manual, not "${value}".`)
}

/** Reads pasted codes until one is accepted; a wrong one is explained and another is asked for. */
function promptForCode(receiver: ManualReceiver, cancel: AbortController, name: string): void {
  const lines = createInterface({ input: process.stdin, terminal: false })
  let latest: Promise<void> = Promise.reject(new Error('no code yet'))
  latest.catch(() => {})
  process.stderr.write(`Paste the code ${name} shows, then press Enter: `)
  lines.on('line', (line) => {
    if (!line.trim()) return
    latest = receiver.submit(line)
    latest.then(
      () => lines.close(),
      (error: unknown) => {
        const reason = isAppError(error) ? error.message : 'That code did not work.'
        process.stderr.write(`${reason}\nPaste the code again: `)
      },
    )
  })
  // Input that ends (a pipe, Ctrl-D) with no accepted code ends the sign-in instead of hanging.
  lines.on('close', () => {
    latest.catch(() =>
      cancel.abort(new AppError('redirect_timeout', 'The input ended before a code was accepted.')),
    )
  })
}
