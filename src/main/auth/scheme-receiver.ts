import { listenInstanceChannel } from './instance-channel.ts'
import { SCHEME_REDIRECT_URI } from './callback-url.ts'
import type { DeliverAnswer, RedirectReceiver } from './redirect-receiver.ts'

/** Answers through fermentrack-backup://oauth/callback, handed over by a second instance. */
export class SchemeReceiver implements RedirectReceiver {
  readonly kind = 'scheme'
  readonly redirectUri = SCHEME_REDIRECT_URI
  private readonly home: string
  private channel: { close(): Promise<void> } | undefined

  constructor(home: string) {
    this.home = home
  }

  async start(deliver: DeliverAnswer): Promise<void> {
    this.channel = await listenInstanceChannel(this.home, (url) => deliver({ kind: 'url', url }))
  }

  async close(): Promise<void> {
    await this.channel?.close()
  }
}
