import type { CommandName, EventName } from './ipc-contract.ts'

/**
 * The contract's command and event names without its schemas. The sandboxed preload needs only
 * the names, and importing ipc-contract.ts would bundle zod into it. test/shared/ipc-names.test.ts
 * keeps these lists equal to the contract's keys; the types below catch a missing name at once.
 */
export const COMMAND_NAMES = [
  'providers.list',
  'providers.settings',
  'providers.configure',
  'connections.list',
  'connections.connect',
  'connections.test',
  'connections.submitCode',
  'connections.cancelSignIn',
  'connections.disconnect',
  'uploads.enqueue',
  'uploads.active',
  'uploads.history',
  'uploads.retry',
  'uploads.retryAllFailed',
  'uploads.cancel',
  'uploads.pause',
  'uploads.resume',
  'uploads.scanNow',
  'status.get',
  'settings.get',
  'settings.update',
  'dialog.chooseFolder',
  'app.openExternal',
  'app.copyText',
  'window.memory',
  'window.remember',
  // Retention and health in the window (issue #10).
  'retention.get',
  'retention.preview',
  'retention.save',
  'retention.pruneNow',
  'health.get',
  'health.pingUrl',
  'health.setPingUrl',
  'health.clearPingUrl',
  'settingsFile.get',
  'backups.list',
  'backups.restore',
  'backups.cancelRestore',
  'backups.showInFolder',
] as const satisfies readonly CommandName[]

export const EVENT_NAMES = [
  'uploads.job',
  'uploads.progress',
  'connections.changed',
  'providers.changed',
  'signIn.finished',
  'status.changed',
  'settings.changed',
  // Retention and health in the window (issue #10).
  'health.changed',
  'retention.changed',
  'settingsFile.changed',
  'backups.restoreProgress',
] as const satisfies readonly EventName[]

/** Equal to the contract's IPC_PREFIX (checked by the same test). */
export const IPC_PREFIX = 'companion:'

// Compile-time completeness: a contract name missing from a list fails the type check here.
type Complete<All, Listed extends All> = [Exclude<All, Listed>] extends [never] ? true : false
type Assert<T extends true> = T
type _Commands = Assert<Complete<CommandName, (typeof COMMAND_NAMES)[number]>>
type _Events = Assert<Complete<EventName, (typeof EVENT_NAMES)[number]>>
