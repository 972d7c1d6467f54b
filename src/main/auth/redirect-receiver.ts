/** How a sign-in answer comes back from the browser. */
export type RedirectKind = 'scheme' | 'loopback' | 'manual'

/** The host a loopback redirect URI names (what the provider's registration holds). */
export type LoopbackHost = '127.0.0.1' | 'localhost'

/** A sign-in answer: a callback URL, or for the paste-the-code flow just the code. */
export type SignInAnswer = { kind: 'url'; url: string } | { kind: 'code'; code: string }

/** Handles one answer; whatever it throws is reported back to whoever brought the answer. */
export type DeliverAnswer = (answer: SignInAnswer) => Promise<void>

export interface RedirectReceiver {
  readonly kind: RedirectKind
  /** The redirect_uri sent to the provider; undefined for the paste-the-code flow. */
  readonly redirectUri: string | undefined
  start(deliver: DeliverAnswer): Promise<void>
  close(): Promise<void>
}
