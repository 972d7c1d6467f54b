// The IPC side of the contract: one ipcMain.handle per command, and events out to the window.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { AppError } from '../../shared/app-error.ts'
import {
  IPC_PREFIX,
  commands,
  type CommandName,
  type CommandResult,
  type EventName,
} from '../../shared/ipc-contract.ts'
import type { Logger } from '../log/logger.ts'
import { originOf } from './security-restrictions.ts'

/** The slice of CompanionService the handlers use. */
export interface CommandInvoker {
  invoke<C extends CommandName>(command: C, input: unknown): Promise<CommandResult<C>>
}

export interface EventSource {
  on(event: 'event', listener: (name: EventName, payload: unknown) => void): unknown
  off(event: 'event', listener: (name: EventName, payload: unknown) => void): unknown
}

type InvokeEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>

/**
 * Only the app's own window, showing the app's own page, may call commands: the sender must be
 * that window's webContents and the calling frame must be on the renderer's origin.
 */
export function isTrustedSender(
  event: InvokeEvent,
  trusted: WebContents | undefined,
  appOrigin: string,
): boolean {
  // By id: unique for the life of the app, and independent of how Electron wraps the object.
  if (trusted === undefined || event.sender.id !== trusted.id) return false
  const url = event.senderFrame?.url
  return url !== undefined && originOf(url) === appOrigin
}

export const UNTRUSTED_SENDER_MESSAGE = 'Refused: the request did not come from the app window.'

export interface IpcHandlerOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  companion: CommandInvoker
  appOrigin: string
  /** The main window's webContents, or undefined while there is no window. */
  trustedContents: () => WebContents | undefined
  log: Logger
}

/** Registers a handler for every command in the contract; returns a function that removes them. */
export function registerIpcHandlers(options: IpcHandlerOptions): () => void {
  const { ipcMain, companion, appOrigin, trustedContents, log } = options
  const names = Object.keys(commands) as CommandName[]
  for (const name of names) {
    // Only the first argument is the command's input; anything more is ignored. Inputs are never
    // logged: they can hold paths and sign-in codes.
    ipcMain.handle(IPC_PREFIX + name, async (event, input: unknown) => {
      if (!isTrustedSender(event, trustedContents(), appOrigin)) {
        log.warn('refused a command from an untrusted sender', { command: name })
        return { ok: false, error: { code: 'invalid_request', message: UNTRUSTED_SENDER_MESSAGE } }
      }
      try {
        return await companion.invoke(name, input)
      } catch (error) {
        // invoke never throws by contract; if it ever does, no stack crosses to the window.
        log.error('command threw', { command: name, error })
        return { ok: false, error: new AppError('provider_error').toPayload() }
      }
    })
  }
  return () => names.forEach((name) => ipcMain.removeHandler(IPC_PREFIX + name))
}

/** Sends every companion event to the window (when there is one); returns an unsubscribe. */
export function forwardEvents(
  companion: EventSource,
  target: () => Pick<WebContents, 'send' | 'isDestroyed'> | undefined,
): () => void {
  const listener = (name: EventName, payload: unknown) => {
    const contents = target()
    if (contents !== undefined && !contents.isDestroyed()) contents.send(IPC_PREFIX + name, payload)
  }
  companion.on('event', listener)
  return () => void companion.off('event', listener)
}
