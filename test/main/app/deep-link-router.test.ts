import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error.ts'
import {
  DEV_SCHEME,
  DeepLinkRouter,
  acceptedSchemes,
  deliverToWaitingSignIn,
  findDeepLink,
  toReceiverUrl,
} from '../../../src/main/app/deep-link-router.ts'

const LINK = 'fermentrack-backup://oauth/callback?code=abc&state=xyz'
const DEV = acceptedSchemes(false)
const PROD = acceptedSchemes(true)

describe('toReceiverUrl', () => {
  it('passes production links through and rewrites dev-scheme links to the production form', () => {
    expect(toReceiverUrl(LINK, PROD)).toBe(LINK)
    expect(toReceiverUrl(`${DEV_SCHEME}://oauth/callback?code=abc&state=xyz`, DEV)).toBe(LINK)
    expect(toReceiverUrl('Fermentrack-Backup://oauth/callback?code=abc&state=xyz', PROD)).toBe(LINK)
  })

  it('takes dev-scheme links only in a dev run', () => {
    expect(toReceiverUrl(`${DEV_SCHEME}://oauth/callback?code=a&state=b`, PROD)).toBeNull()
  })

  it.each([
    'https://www.dropbox.com/oauth2/authorize',
    'fermentrack-backupx://oauth/callback',
    'fermentrack-backup',
    '--fermentrack-backup://oauth/callback',
    '/usr/bin/fermentrack-backup-companion',
    '',
  ])('ignores %j', (arg) => {
    expect(toReceiverUrl(arg, DEV)).toBeNull()
  })
})

describe('findDeepLink', () => {
  it('finds the link anywhere in a padded, reordered command line', () => {
    const argv = [
      '/opt/Fermentrack Backup Companion/fermentrack-backup-companion',
      '--allow-file-access-from-files',
      LINK,
      '--original-process-start-time=13380000000000000',
      '--hidden',
    ]
    expect(findDeepLink(argv, PROD)).toBe(LINK)
    expect(findDeepLink([LINK, ...argv.slice(0, 2)], PROD)).toBe(LINK)
  })

  it('finds nothing in an ordinary command line', () => {
    expect(findDeepLink(['/usr/bin/electron', '.', '--hidden'], DEV)).toBeNull()
  })
})

describe('DeepLinkRouter', () => {
  it('holds links that arrive before it is ready and delivers them in order once it is', async () => {
    const failures: AppError[] = []
    const router = new DeepLinkRouter((error) => failures.push(error))
    router.receive('fermentrack-backup://oauth/callback?code=1&state=s')
    router.receive('fermentrack-backup://oauth/callback?code=2&state=s')
    const delivered: string[] = []
    router.ready(async (url) => void delivered.push(url))
    router.receive('fermentrack-backup://oauth/callback?code=3&state=s')
    await Promise.resolve()
    expect(delivered.map((url) => new URL(url).searchParams.get('code'))).toEqual(['1', '2', '3'])
    expect(failures).toEqual([])
  })

  it('reports a refused link with its reason, and anything else as no sign-in waiting', async () => {
    const failures: AppError[] = []
    const router = new DeepLinkRouter((error) => failures.push(error))
    let attempt = 0
    router.ready(async () => {
      attempt += 1
      throw attempt === 1 ? new AppError('state_expired') : new Error('socket said something')
    })
    router.receive(LINK)
    router.receive(LINK)
    await new Promise((resolve) => setImmediate(resolve))
    expect(failures.map((error) => error.code)).toEqual(['state_expired', 'no_sign_in_waiting'])
  })

  it('keeps only a handful of early links', async () => {
    const router = new DeepLinkRouter(() => undefined)
    for (let i = 0; i < 50; i++) router.receive(LINK)
    let count = 0
    router.ready(async () => void (count += 1))
    await Promise.resolve()
    expect(count).toBe(8)
  })
})

describe('deliverToWaitingSignIn', () => {
  const noneWaiting = async () => {
    throw new AppError('no_sign_in_waiting')
  }

  it('delivers to the first home with a waiting sign-in', async () => {
    const tried: string[] = []
    await deliverToWaitingSignIn(['/app', '/cli'], LINK, async (home) => {
      tried.push(home)
      if (home === '/app') return noneWaiting()
    })
    expect(tried).toEqual(['/app', '/cli'])
  })

  it('stops at a sign-in that refuses the link, with its reason', async () => {
    const tried: string[] = []
    const refused = deliverToWaitingSignIn(['/app', '/cli'], LINK, async (home) => {
      tried.push(home)
      throw new AppError('invalid_state')
    })
    await expect(refused).rejects.toMatchObject({ code: 'invalid_state' })
    expect(tried).toEqual(['/app'])
  })

  it('says no sign-in is waiting when none is, trying a shared home once', async () => {
    const tried: string[] = []
    const result = deliverToWaitingSignIn(['/same', '/same'], LINK, async (home) => {
      tried.push(home)
      return noneWaiting()
    })
    await expect(result).rejects.toMatchObject({ code: 'no_sign_in_waiting' })
    expect(tried).toEqual(['/same'])
  })
})
