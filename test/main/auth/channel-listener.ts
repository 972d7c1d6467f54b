/**
 * A process that starts waiting for a sign-in answer when told: run by instance-channel.test.ts as
 * `node channel-listener.ts <home>`. Prints "ready"; on a "listen" line prints "listening" or the
 * error code it got; then prints each URL handed to it. Stays alive until stdin closes.
 */
import { listenInstanceChannel } from '../../../src/main/auth/instance-channel.ts'
import { isAppError } from '../../../src/shared/app-error.ts'

const [home] = process.argv.slice(2)
process.stdin.setEncoding('utf8')
process.stdin.on('data', (text: string) => {
  if (!text.includes('listen')) return
  listenInstanceChannel(home!, async (url) => void process.stdout.write(`url ${url}\n`)).then(
    () => process.stdout.write('listening\n'),
    (error: unknown) => process.stdout.write(`${isAppError(error) ? error.code : error}\n`),
  )
})
process.stdin.on('end', () => process.exit(0))
process.stdout.write('ready\n')
