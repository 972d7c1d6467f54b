import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../src/shared/error-codes.ts'
import { S3Emulator } from '../emulators/s3/server.ts'
import { filesUnder } from '../support/home-files.ts'
import { S3_SECRET } from '../support/s3-home.ts'
import { dropBackup, historyRow, until, uploadedJob } from './app-harness.ts'
import { appSuite } from './app-suite.ts'

const { open } = appSuite()

let s3: S3Emulator | undefined
afterEach(async () => {
  await s3?.close()
  s3 = undefined
})

describe('connecting S3-compatible storage from the window', () => {
  it('tests the keys, refuses a wrong secret, connects, and uploads to the bucket', async () => {
    const server = (s3 = await S3Emulator.start())
    const app = await open()
    const page = await app.open()
    await page.getByRole('tab', { name: 'Connections' }).click()
    const card = page.getByRole('article', { name: 'S3-compatible storage', exact: true })
    await card.getByLabel('Endpoint').fill(server.endpoint)
    await card.getByLabel('Region').fill(server.region)
    await card.getByLabel('Bucket').fill(server.bucket)
    await card.getByLabel('Key prefix').fill('brewery/')
    await card.getByLabel('Path-style URLs').check()
    await card.getByLabel('Access key id').fill(server.accessKeyId)
    const secret = card.getByLabel('Secret access key')
    expect(await secret.getAttribute('type')).toBe('password')
    const accountName = `${server.bucket}@${server.endpoint}/brewery/`

    // A wrong secret: refused in one line, by test and by connect alike, and nothing saved.
    await secret.fill('not-the-secret-access-key')
    await card.getByRole('button', { name: 'Test connection' }).click()
    const refused = `The S3 server refused the access key id or secret access key (SignatureDoesNotMatch). ${ERROR_CODES.invalid_credentials.fix}`
    await until(() => card.getByRole('alert').allTextContents()).toEqual([refused])
    await card.getByRole('button', { name: 'Connect S3-compatible storage' }).click()
    await until(() => card.getByRole('alert').allTextContents()).toEqual([refused])
    expect(app.bridge.engine.connections.list()).toEqual([])

    // The right one: tested (nothing saved yet), then connected.
    await secret.fill(S3_SECRET)
    await card.getByRole('button', { name: 'Test connection' }).click()
    await until(() =>
      card.getByText(`The connection works: signed in as ${accountName}.`).isVisible(),
    ).toBe(true)
    expect(await card.getByRole('alert').count()).toBe(0)
    expect(app.bridge.engine.connections.list()).toEqual([])
    await card.getByRole('button', { name: 'Connect S3-compatible storage' }).click()
    const account = page.getByRole('article', {
      name: `S3-compatible storage account ${accountName}`,
    })
    await until(() => account.getByText('Connected', { exact: true }).isVisible()).toBe(true)
    // The account card can render (from the connections event) a moment before the form clears.
    await until(() => secret.inputValue()).toBe('')

    // A dropped backup lands in the bucket under the prefix, byte for byte.
    await page.getByRole('tab', { name: 'Uploads' }).click()
    const name = 'fermentrack-backup-2026-12-05.tar.xz'
    const path = await dropBackup(page, app, name, 400_000, 17)
    const job = await uploadedJob(page, app, name)
    // The remote path is the one under the prefix, as for every provider's root.
    expect(job.remotePath).toBe(`/Fermentrack Backups/${name}`)
    expect((await server.stored(`brewery${job.remotePath}`))?.equals(readFileSync(path))).toBe(true)
    await historyRow(page, name).click()
    const details = page.getByRole('region', { name: `Details of ${name}` })
    expect(job.verifiedBy).toBeTruthy()
    await until(() => details.getByText(job.verifiedBy!, { exact: true }).isVisible()).toBe(true)

    // The secret key is in the secret store only.
    const home = app.env.FTB_HOME!
    const secretFile = join(home, 'secrets.json')
    expect(readFileSync(secretFile, 'utf8')).toContain(S3_SECRET)
    for (const file of await filesUnder(home, [secretFile]))
      expect(readFileSync(file, 'utf8'), file).not.toContain(S3_SECRET)
    for (const frame of app.received) expect(frame).not.toContain(S3_SECRET)
  })
})
