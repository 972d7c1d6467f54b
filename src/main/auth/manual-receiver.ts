import type { DeliverAnswer, RedirectReceiver } from './redirect-receiver.ts'

/** No redirect at all: Dropbox shows the code and the user pastes it (the CLI prompt or the app). */
export class ManualReceiver implements RedirectReceiver {
  readonly kind = 'manual'
  readonly redirectUri = undefined
  private deliver: DeliverAnswer | undefined

  async start(deliver: DeliverAnswer): Promise<void> {
    this.deliver = deliver
  }

  /** Resolves when the code was accepted; throws the reason (the user may paste again). */
  submit(code: string): Promise<void> {
    if (!this.deliver) throw new Error('ManualReceiver.submit before start')
    return this.deliver({ kind: 'code', code })
  }

  async close(): Promise<void> {
    this.deliver = undefined
  }
}
