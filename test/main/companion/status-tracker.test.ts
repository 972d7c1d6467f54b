import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/app-error.ts'
import { StatusTracker } from '../../../src/main/companion/status-tracker.ts'
import { JobStore } from '../../../src/main/uploads/job-store.ts'
import type { Job } from '../../../src/main/uploads/job-types.ts'
import type { Connection } from '../../../src/shared/settings-schema.ts'
import { tempDir } from '../../support/cli-process.ts'

const job = (state: Job['state'], extra: Partial<Job> = {}) =>
  ({ name: 'a.tar.xz', state, errorCode: null, errorMessage: null, ...extra }) as Job

describe('StatusTracker', () => {
  it('shows a failure until the next success, uploading while work runs, paused above all', () => {
    const store = new JobStore(tempDir('status'))
    const tracker = new StatusTracker(store)
    expect(tracker.view(0).tray).toBe('idle')
    expect(tracker.view(1).tray).toBe('uploading')
    tracker.onJob(
      job('failed', { errorCode: 'insufficient_space', errorMessage: 'The storage is full.' }),
    )
    expect(tracker.view(1)).toMatchObject({
      tray: 'error',
      lastError: { code: 'insufficient_space', message: 'a.tar.xz: The storage is full.' },
    })
    tracker.onJob(job('queued'))
    expect(tracker.view(0).tray).toBe('error')
    tracker.onJob(job('done'))
    expect(tracker.view(0)).toMatchObject({ tray: 'idle', lastError: null })
    store.pause('*')
    expect(tracker.view(1).tray).toBe('paused')
    store.close()
  })

  it('a queue database that cannot be written shows as the error for as long as that lasts', () => {
    const store = new JobStore(tempDir('status'))
    const tracker = new StatusTracker(store)
    const failure = new AppError('queue_storage_failed').toPayload()
    tracker.onStorage(failure)
    tracker.onJob(job('done'))
    expect(tracker.view(0)).toMatchObject({ tray: 'error', lastError: failure })
    tracker.onStorage(null)
    expect(tracker.view(0)).toMatchObject({ tray: 'idle', lastError: null })
    store.close()
  })

  it('an unavailable watch folder shows as an error with its message', () => {
    const store = new JobStore(tempDir('status'))
    const tracker = new StatusTracker(store)
    const error = { code: 'watch_folder_unavailable' as const, message: 'The folder is gone.' }
    tracker.onWatch({ folder: '/srv/backups', state: 'unavailable', error })
    expect(tracker.view(0)).toMatchObject({
      tray: 'error',
      lastError: error,
      watch: { state: 'unavailable' },
    })
    store.close()
  })

  it('a connection waiting for a reconnect shows as an error saying what it needs', () => {
    const store = new JobStore(tempDir('status'))
    const tracker = new StatusTracker(store)
    const account = { id: 'dbid:1', name: 'Bob Brewer', email: 'bob@example.com' }
    const connection = (status: Connection['status']): Connection => ({
      id: 'dropbox-1',
      provider: 'dropbox',
      config: {},
      account,
      created: '2026-01-01T00:00:00.000Z',
      status,
      space: null,
    })
    expect(tracker.view(0, [connection('connected')])).toMatchObject({ tray: 'idle' })
    expect(tracker.view(0, [connection('missing_permission')])).toMatchObject({
      tray: 'error',
      lastError: {
        code: 'missing_permission',
        message:
          'Bob Brewer: Dropbox permission missing: enable files.content.write in the App Console, then reconnect.',
      },
    })
    expect(tracker.view(0, [connection('needs_reauth')]).lastError?.code).toBe('needs_reauth')
    store.close()
  })
})
