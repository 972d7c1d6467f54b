import type { CommitFault } from './faults.ts'
import type { FileStore } from './file-store.ts'
import type { ListCursors } from './list-cursors.ts'
import type { Reply } from './reply.ts'
import type { BodySource } from './request-body.ts'
import type { TokenStore } from './token-store.ts'
import type { UploadSessions } from './upload-sessions.ts'

export interface Account {
  accountId: string
  uid: string
  name: string
  email: string
}

/** Everything the routes share; one per emulator instance. */
export interface EmulatorState {
  appKey: string
  redirectUris: readonly string[]
  now: () => number
  account: Account
  tokens: TokenStore
  files: FileStore
  sessions: UploadSessions
  cursors: ListCursors
  denyNextAuthorization: boolean
  /** The scopes ticked on the app's App Console Permissions tab. */
  appScopes: string[]
  lastAuthorizeParams: URLSearchParams | undefined
}

export interface RouteContext extends BodySource {
  url: URL
  /** API function name as Dropbox spells it in errors, e.g. 'files/upload'. */
  route: string
  /** A commit fault taken for this request, applied at the commit step. */
  commitFault: CommitFault | undefined
  /** The next queued commit fault for this route, for each further entry of a batch. */
  nextCommitFault(): CommitFault | undefined
}

export type RouteHandler = (state: EmulatorState, ctx: RouteContext) => Promise<Reply>
