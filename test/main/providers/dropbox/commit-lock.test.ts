import { describe, expect, it } from 'vitest'
import { CommitLock } from '../../../../src/main/providers/dropbox/commit-lock.ts'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('CommitLock', () => {
  it('runs one commit at a time, in order', async () => {
    const lock = new CommitLock()
    const log: string[] = []
    const job = (name: string) =>
      lock.run(async () => {
        log.push(`${name}+`)
        await tick()
        log.push(`${name}-`)
      })
    await Promise.all([job('a'), job('b'), job('c')])
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-'])
  })

  it('lets a waiting commit be aborted without breaking the line behind it', async () => {
    const lock = new CommitLock()
    const log: string[] = []
    const controller = new AbortController()
    const first = lock.run(async () => {
      await tick()
      log.push('first')
    })
    const aborted = lock.run(async () => log.push('aborted'), controller.signal)
    const third = lock.run(async () => log.push('third'))
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    await Promise.all([first, third])
    expect(log).toEqual(['first', 'third'])
  })

  it('releases after a failed commit', async () => {
    const lock = new CommitLock()
    await expect(lock.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(await lock.run(async () => 'next')).toBe('next')
  })
})
