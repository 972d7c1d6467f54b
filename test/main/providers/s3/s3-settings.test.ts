import { describe, expect, it } from 'vitest'
import { settingsFromFields } from '../../../../src/main/providers/s3/s3-settings.ts'

const good = {
  endpoint: 'https://s3.eu-west-1.amazonaws.com/',
  region: 'eu-west-1',
  bucket: 'my-brewery-backups',
  'access-key-id': 'AKIAEXAMPLE',
  'secret-access-key': 'never-kept-here',
}

describe('connect s3 fields', () => {
  it('keeps the endpoint without its trailing slash and the prefix as "a/b/"', () => {
    expect(
      settingsFromFields({ ...good, prefix: '/fermentrack//brewery', 'path-style': true }),
    ).toEqual({
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      bucket: 'my-brewery-backups',
      prefix: 'fermentrack/brewery/',
      pathStyle: true,
      accessKeyId: 'AKIAEXAMPLE',
    })
  })

  it('accepts any https endpoint and loopback http (MinIO, R2, a test server)', () => {
    for (const endpoint of [
      'https://abc.r2.cloudflarestorage.com',
      'http://127.0.0.1:9000',
      'http://localhost:9000',
    ])
      expect(settingsFromFields({ ...good, endpoint }).endpoint).toBe(endpoint)
  })

  it.each([
    ['endpoint', 'http://minio.lan:9000', '--endpoint must be an https URL'],
    ['endpoint', 'not a url', '--endpoint must be an https URL'],
    ['region', 'eu west', '--region must be a region name'],
    ['bucket', 'My_Bucket', '--bucket must be a bucket name'],
    ['access-key-id', '', '--access-key-id must be'],
    ['prefix', 'a/../b', '--prefix must not contain'],
  ])('refuses %s "%s" with one line naming the flag', (field, value, message) => {
    expect(() => settingsFromFields({ ...good, [field]: value })).toThrow(message)
  })
})
