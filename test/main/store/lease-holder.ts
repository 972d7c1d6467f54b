/**
 * A process that claims a lease when told: run by lease.test.ts as
 * `node lease-holder.ts <home> <name> <heartbeatMs>`. Prints "ready", then on a "claim" line on
 * stdin prints "won" or "refused"; prints "lost" if it later finds its lease taken. It stays
 * alive until stdin closes or it is killed.
 */
import { LeaseClaimer } from '../../../src/main/store/lease.ts'

const [home, name, heartbeatMs] = process.argv.slice(2)
const claimer = new LeaseClaimer(home!, name!, {
  heartbeatMs: Number(heartbeatMs),
  onLost: () => process.stdout.write('lost\n'),
})
process.stdin.setEncoding('utf8')
process.stdin.on('data', (text: string) => {
  for (const line of text.split('\n')) {
    if (line === 'claim') process.stdout.write(claimer.tryClaim() ? 'won\n' : 'refused\n')
  }
})
process.stdin.on('end', () => process.exit(0))
process.stdout.write('ready\n')
