import { connect } from 'node:net'

/**
 * Whether the D-Bus session bus answers at all, checked in JavaScript before keytar first uses it.
 *
 * libsecret connects to the bus on a libuv worker thread and never gives up on a socket that
 * accepts but stays silent (a frozen dbus-daemon, a stale forwarded socket). That thread then
 * stays blocked, and Node cannot even exit: process.exit() waits for it forever. Asking the bus
 * to start authenticating, here, can be abandoned safely.
 *
 * Answers 'silent' only when a bus was found and did not answer in time. Everything else
 * ('answers', or 'unknown' for no address, a refused connection, a transport we do not speak)
 * is left to libsecret, which fails fast and with its own message in those cases.
 */
export async function sessionBusState(
  address: string | undefined,
  timeoutMs: number,
): Promise<'answers' | 'silent' | 'unknown'> {
  const paths = socketPaths(address)
  if (!paths) return 'unknown'
  for (const path of paths) {
    const state = await greet(path, timeoutMs)
    if (state !== 'unknown') return state
  }
  return 'unknown'
}

// D-Bus addresses: `transport:key=value,...` separated by `;`, values %-escaped (D-Bus
// specification, "Server Addresses"). Only unix path and abstract sockets are checked; any
// other transport in the list means we cannot judge, so libsecret decides.
function socketPaths(address: string | undefined): string[] | undefined {
  if (!address) return undefined
  const paths: string[] = []
  for (const entry of address.split(';').filter(Boolean)) {
    const colon = entry.indexOf(':')
    if (entry.slice(0, colon) !== 'unix') return undefined
    const keys = new Map(
      entry
        .slice(colon + 1)
        .split(',')
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    )
    const path = keys.get('path')
    const abstract = keys.get('abstract')
    try {
      // Node reaches Linux abstract sockets through a leading NUL.
      if (path) paths.push(decodeURIComponent(path))
      else if (abstract) paths.push('\0' + decodeURIComponent(abstract))
      else return undefined
    } catch {
      return undefined
    }
  }
  return paths.length > 0 ? paths : undefined
}

// A D-Bus server answers a NUL byte and "AUTH" with the list of mechanisms it supports.
function greet(path: string, timeoutMs: number): Promise<'answers' | 'silent' | 'unknown'> {
  return new Promise((resolve) => {
    const socket = connect({ path })
    const done = (state: 'answers' | 'silent' | 'unknown') => {
      clearTimeout(timer)
      socket.destroy()
      resolve(state)
    }
    const timer = setTimeout(() => done('silent'), timeoutMs)
    socket.once('connect', () => socket.write('\0AUTH\r\n'))
    socket.once('data', () => done('answers'))
    socket.once('error', () => done('unknown'))
    socket.once('close', () => done('unknown'))
  })
}
