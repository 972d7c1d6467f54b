import type { IncomingMessage } from 'node:http'
import type { Accounts } from './accounts.ts'
import type { FileTree } from './file-tree.ts'
import type { Reply } from './http-io.ts'
import type { LoginFlows } from './login-flow.ts'
import type { UploadFolders } from './upload-folders.ts'

export interface EmulatorState {
  accounts: Accounts
  files: FileTree
  uploads: UploadFolders
  flows: LoginFlows
  now: () => number
}

export interface RouteContext {
  req: IncomingMessage
  url: URL
  body: Buffer
  /** The app password the request authenticated with (DAV and OCS routes only). */
  appPassword: string
}

export type RouteHandler = (state: EmulatorState, ctx: RouteContext) => Reply
