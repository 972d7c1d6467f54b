import type { Provider } from '../provider.ts'
import { MAX_OBJECT_BYTES } from './part-plan.ts'
import { s3Access } from './s3-client.ts'
import { accountInfo, connectS3 } from './s3-connect.ts'
import { s3Files } from './s3-files.ts'
import { settingsFromConfig } from './s3-settings.ts'
import { S3Uploader } from './s3-uploader.ts'

/**
 * S3-compatible storage (AWS, MinIO, Backblaze B2, Cloudflare R2, Wasabi …): an access key pair
 * for one bucket, at any endpoint. The key id is kept in the settings, the secret access key in
 * the secret store.
 */
export const s3Provider: Provider = {
  id: 's3',
  displayName: 'S3-compatible storage',
  auth: 'access-keys',
  connectFields: [
    {
      name: 'endpoint',
      label: 'Endpoint',
      kind: 'url',
      required: true,
      hint: 'e.g. https://s3.us-east-1.amazonaws.com',
    },
    {
      name: 'region',
      label: 'Region',
      kind: 'text',
      required: true,
      hint: 'e.g. us-east-1 (Cloudflare R2: auto)',
    },
    { name: 'bucket', label: 'Bucket', kind: 'text', required: true },
    {
      name: 'prefix',
      label: 'Key prefix',
      kind: 'text',
      required: false,
      hint: 'optional, e.g. fermentrack/',
    },
    {
      name: 'path-style',
      label: 'Path-style URLs',
      kind: 'flag',
      required: false,
      hint: 'for MinIO and servers without bucket subdomains',
    },
    { name: 'access-key-id', label: 'Access key id', kind: 'text', required: true },
    { name: 'secret-access-key', label: 'Secret access key', kind: 'secret', required: true },
  ],
  maxFileBytes: MAX_OBJECT_BYTES,
  docsAnchor: 's3-compatible-storage',
  isEnabled: (settings) =>
    settings.enabled
      ? { enabled: true }
      : { enabled: false, reason: 'S3-compatible storage is switched off in its settings.' },
  connect: (request, context) => connectS3(request, context.agents),
  uploader(credentials, context) {
    const { client, settings } = s3Access(credentials, context.agents)
    return new S3Uploader({
      client,
      settings,
      chunkSize: context.chunkSize,
      rejected: () => credentials.rejected(),
    })
  },
  account: async (credentials) => accountInfo(settingsFromConfig(credentials.config)),
  async disconnect() {
    // Access keys are revoked in the provider's console (IAM, MinIO, B2 …), not through S3.
  },
  list: (credentials, folder, context) => s3Files(credentials, context.agents).list(folder),
  download: (credentials, remotePath, target, context, options) =>
    s3Files(credentials, context.agents).download(remotePath, target, options),
  remove: (credentials, remotePath, context) =>
    s3Files(credentials, context.agents).remove(remotePath),
}
