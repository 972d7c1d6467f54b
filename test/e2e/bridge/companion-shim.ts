/**
 * window.companion for a page served by the bridge: the same CompanionApi the preload exposes,
 * carried over a WebSocket. Runs in the page (added as an init script), so it is self-contained.
 */
// Page globals, declared here rather than through the DOM lib, which would retype Node's fetch
// for the whole test program.
declare const location: { host: string }
declare const window: object

export function installCompanionShim(options: { commands: string[]; dropDir: string }): void {
  const socket = new WebSocket(`ws://${location.host}/bridge`)
  const open = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }))
  const pending = new Map<number, (result: unknown) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let next = 1
  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data))
    if ('id' in data) {
      pending.get(data.id)?.(data.result)
      pending.delete(data.id)
    } else {
      listeners.get(data.event)?.forEach((listener) => listener(data.payload))
    }
  })
  const call = (command: string) => async (input?: unknown) => {
    await open
    const id = next++
    return new Promise((resolve) => {
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, command, input }))
    })
  }
  const api: Record<string, unknown> = Object.fromEntries(options.commands.map((c) => [c, call(c)]))
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set())
    listeners.get(event)!.add(listener)
    return () => listeners.get(event)?.delete(listener)
  }
  // webUtils.getPathForFile in the real preload; here the test wrote each dropped file there.
  api.pathForFile = (file: File) => `${options.dropDir}/${file.name}`
  Object.defineProperty(window, 'companion', { value: Object.freeze(api) })
}
