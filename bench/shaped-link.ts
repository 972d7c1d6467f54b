import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { startProcess } from './child-process.ts'
import type { Teardown } from './teardown.ts'

const DELAY_PROXY = resolve(import.meta.dirname, 'delay-proxy.ts')
const PREFIX = 'ftb-link-'

export interface LinkSpec {
  /** The rate in each direction, in Mbit/s (tc's mbit: 10^6 bits). */
  mbit: number
  rttMs: number
}

export interface ShapedLink {
  /** Where a process run through `exec` reaches the target: its 127.0.0.1, across the link. */
  url: string
  /** The command prefix that runs a process on the far side of the link (in the namespace). */
  exec: string[]
  spec: LinkSpec
}

/**
 * A link of fixed rate and round trip between the host's 127.0.0.1:`targetPort` (the emulator,
 * which stays in the bench's process so its request clock keeps working) and processes run
 * through `exec`, built from real kernel parts where this kernel has them:
 *
 *   client ─ 127.0.0.1 ─ delay proxy ═ veth (tc tbf both ways) ═ relay on the host ─ emulator
 *   (all in the namespace, netns)                                  (host namespace)
 *
 * The clients talk to 127.0.0.1 because the app takes plain http only there; the delay proxy
 * beside them holds the bytes for the round trip (no netem in this kernel), then they cross a
 * veth pair shaped by a token bucket on each end's egress, to a relay on the host's end of the
 * pair that passes them to the emulator. Needs root; the namespace goes with the teardown.
 */
export async function shapedLink(
  targetPort: number,
  spec: LinkSpec,
  teardown: Teardown,
): Promise<ShapedLink> {
  if (process.getuid?.() !== 0) throw new Error('The shaped link needs root (ip netns, tc).')
  removeStaleNamespaces()
  const ns = `${PREFIX}${process.pid}`
  const hostVeth = `ftbl${process.pid}h`
  const nsVeth = `ftbl${process.pid}n`
  const [hostIp, nsIp] = addresses(process.pid)
  ip(['netns', 'add', ns])
  teardown.add(() => removeNamespace(ns, hostVeth))
  ip(['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth, 'netns', ns])
  ip(['addr', 'add', `${hostIp}/30`, 'dev', hostVeth])
  ip(['link', 'set', hostVeth, 'up'])
  ip(['-n', ns, 'addr', 'add', `${nsIp}/30`, 'dev', nsVeth])
  ip(['-n', ns, 'link', 'set', nsVeth, 'up'])
  ip(['-n', ns, 'link', 'set', 'lo', 'up'])
  // The bucket holds 256 KiB (above a 64 KiB GSO packet, so nothing is dropped for its size);
  // a packet waits at most 50 ms for tokens, a queue of ~2.5 MB at 400 Mbit/s.
  const tbf = ['root', 'tbf', 'rate', `${spec.mbit}mbit`, 'burst', '256kb', 'latency', '50ms']
  run('tc', ['qdisc', 'add', 'dev', hostVeth, ...tbf])
  run('tc', ['-n', ns, 'qdisc', 'add', 'dev', nsVeth, ...tbf])
  const exec = ['ip', 'netns', 'exec', ns]
  const relay = await proxy([], hostIp, `127.0.0.1:${targetPort}`, 0, teardown)
  const delay = await proxy(exec, '127.0.0.1', `${hostIp}:${relay}`, spec.rttMs, teardown)
  return { url: `http://127.0.0.1:${delay}`, exec, spec }
}

/** Starts bench/delay-proxy.ts (in the namespace when `exec` says so); resolves with its port. */
async function proxy(
  exec: string[],
  listen: string,
  target: string,
  rttMs: number,
  teardown: Teardown,
): Promise<number> {
  const command = [...exec, process.execPath, DELAY_PROXY, listen, target, String(rttMs)]
  const running = startProcess(command[0]!, command.slice(1), teardown)
  const ready = await running.line((line) => line.startsWith('listening '), 15_000)
  return Number(ready.text.split(' ')[1])
}

/**
 * A /30 of 10.0.0.0/8 from the bench's pid (below 2^22 on Linux), so two benches running at
 * once on one machine never share addresses.
 */
function addresses(pid: number): [string, string] {
  const base = `10.${(pid >> 14) & 255}.${(pid >> 6) & 255}`
  const last = (pid & 63) * 4
  return [`${base}.${last + 1}`, `${base}.${last + 2}`]
}

/** A bench killed with -9 leaves its namespace: the next run removes those whose pid is gone. */
function removeStaleNamespaces(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? ''
  for (const name of list.split('\n').map((line) => line.split(' ')[0] ?? '')) {
    const pid = Number(name.slice(PREFIX.length))
    if (name.startsWith(PREFIX) && pid && !alive(pid)) removeNamespace(name, `ftbl${pid}h`)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Deleting either end of a veth pair deletes both; the host's end is named for certainty. */
function removeNamespace(ns: string, hostVeth: string): void {
  spawnSync('ip', ['link', 'del', hostVeth], { stdio: 'ignore' })
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
}

function ip(args: string[]): void {
  run('ip', args)
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0) {
    const why = (result.stderr || result.error?.message || '').trim()
    throw new Error(`${command} ${args.join(' ')} failed: ${why}`)
  }
}
