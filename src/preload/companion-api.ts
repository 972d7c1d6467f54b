// Builds `window.companion` from the contract's names. Only the names are imported at run time
// (src/shared/ipc-names.ts): the contract itself would pull zod into the sandboxed preload bundle.
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron'
import type { CompanionApi, EventName, EventPayload } from '../shared/ipc-contract.ts'
import { COMMAND_NAMES, EVENT_NAMES, IPC_PREFIX } from '../shared/ipc-names.ts'

export type { CompanionApi }

export interface PreloadDeps {
  ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>
  webUtils: Pick<WebUtils, 'getPathForFile'>
}

const isEventName = (name: unknown): name is EventName =>
  (EVENT_NAMES as readonly unknown[]).includes(name)

/**
 * One async function per command (at most one argument crosses: the command's input), `on` for
 * the contract's events, and `pathForFile` for drops. ipcRenderer and its event objects never
 * reach the page.
 */
export function buildCompanionApi({ ipcRenderer, webUtils }: PreloadDeps): CompanionApi {
  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => {
      const channel = IPC_PREFIX + name
      const call = async (...input: unknown[]) =>
        input.length === 0 ? ipcRenderer.invoke(channel) : ipcRenderer.invoke(channel, input[0])
      Object.defineProperty(call, 'name', { value: name })
      return [name, call]
    }),
  )
  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown companion event: ${String(event)}`)
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.')
    const channel = IPC_PREFIX + event
    const relay = (_event: IpcRendererEvent, payload: EventPayload<E>) => listener(payload)
    ipcRenderer.on(channel, relay)
    return () => void ipcRenderer.removeListener(channel, relay)
  }
  const pathForFile = (file: File) => webUtils.getPathForFile(file)
  return Object.freeze({ ...commands, on, pathForFile }) as CompanionApi
}
