import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REFRESH_MARGIN_MS, TokenManager } from '../../../src/main/auth/token-manager.ts'
import { createLogger } from '../../../src/main/log/logger.ts'
import { DropboxApi } from '../../../src/main/providers/dropbox/dropbox-api.ts'
import { PkceClient } from '../../../src/main/auth/pkce-client.ts'
import { DROPBOX_SCOPES } from '../../../src/main/providers/dropbox/dropbox-config.ts'
import { createFileStore, type FileStore } from '../../../src/main/secrets/file-store.ts'
import { startDropboxEmulator, type DropboxEmulator } from '../../emulators/dropbox/index.ts'
import { waitFor } from '../../support/wait-for.ts'
import {
  APP_KEY,
  endpointsOf,
  linkGrant,
  REDIRECT_URI,
  type LinkGrant,
} from '../providers/dropbox/emulator-account.ts'

const CONNECTION = 'dropbox-test'
const TOKEN_ROUTE = '/oauth2/token'

let emulator: DropboxEmulator
let secrets: FileStore
/** What the managers reported: each call to onRevoked / onMissingPermission. */
let verdicts: string[]

beforeEach(async () => {
  emulator = await startDropboxEmulator({ appKey: APP_KEY, redirectUris: [REDIRECT_URI] })
  const home = mkdtempSync(join(tmpdir(), 'ftb-token-manager-'))
  secrets = createFileStore({ home, log: createLogger({ file: join(home, 'log.jsonl') }) })
  verdicts = []
})
afterEach(() => emulator.close())

/** One process's manager for the connection; several share the store as processes share FTB_HOME. */
function manager(now: () => number = Date.now): TokenManager {
  return new TokenManager({
    connectionId: CONNECTION,
    secrets,
    provider: new PkceClient({
      id: 'dropbox',
      displayName: 'Dropbox',
      clientId: APP_KEY,
      authorizationUrl: endpointsOf(emulator).authorizeUrl,
      authorizationUrlOptions: { token_access_type: 'offline' },
      tokenUrl: `${endpointsOf(emulator).apiUrl}/oauth2/token`,
      scopes: DROPBOX_SCOPES,
    }),
    onRevoked: async () => void verdicts.push('needs_reauth'),
    onMissingPermission: async (scope) => void verdicts.push(`missing_permission ${scope}`),
    now,
  })
}

/** A sign-in written to the store as `connect` does; `expiresAt` overrides the token's expiry. */
async function store(grant: LinkGrant, expiresAt = Date.now() + grant.expires_in * 1000) {
  await secrets.set(
    CONNECTION,
    JSON.stringify({
      refresh_token: grant.refresh_token,
      access_token: grant.access_token,
      expires_at: expiresAt,
    }),
  )
}

async function stored(): Promise<{ refresh_token: string; access_token: string }> {
  return JSON.parse((await secrets.get(CONNECTION))!)
}

function uploads(tokens: TokenManager, count: number) {
  const api = new DropboxApi(endpointsOf(emulator), tokens)
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      api.upload(
        'files/upload',
        { path: `/Fermentrack Backups/backup-${i}.tar.xz`, mode: 'add' },
        new TextEncoder().encode(`backup ${i}`),
      ),
    ),
  )
}

/** This process's clock; `skipTo` moves it to when `grant`'s token is due for renewal here. */
function laterClock() {
  let offset = 0
  return {
    now: () => Date.now() + offset,
    skipTo: (grant: LinkGrant) => (offset = grant.expires_in * 1000 - REFRESH_MARGIN_MS + 1000),
  }
}

describe('TokenManager', () => {
  it('N parallel uploads with a token expired here cause exactly one refresh request', async () => {
    await store(await linkGrant(emulator), Date.now() - 1000)
    const outcomes = await uploads(manager(), 8)
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true)
    expect(emulator.count(TOKEN_ROUTE)).toBe(2) // the sign-in's code exchange, and one refresh
    expect(emulator.files().size).toBe(8)
  })

  it('N parallel uploads that Dropbox answers expired_access_token cause exactly one refresh', async () => {
    await store(await linkGrant(emulator))
    emulator.expireAccessTokens()
    const outcomes = await uploads(manager(), 8)
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true)
    expect(emulator.count(TOKEN_ROUTE)).toBe(2)
    expect(verdicts).toEqual([])
  })

  it('renews with the refresh token another process stored since, not the one it read first', async () => {
    const first = await linkGrant(emulator)
    await store(first)
    const clock = laterClock()
    const tokens = manager(clock.now)
    expect(await tokens.accessToken()).toBe(first.access_token) // cached, as a long watch has it
    clock.skipTo(first)
    // The user revokes the app, then reconnects from another process (the app, a CLI command).
    emulator.revokeAll()
    const second = await linkGrant(emulator)
    await store(second)
    const outcomes = await uploads(tokens, 1)
    expect(outcomes[0]!.ok).toBe(true)
    expect(verdicts).toEqual([])
    expect((await stored()).refresh_token).toBe(second.refresh_token)
  })

  it('takes a token another process renewed already, without asking Dropbox again', async () => {
    const grant = await linkGrant(emulator)
    await store(grant)
    const clock = laterClock()
    const here = manager(clock.now)
    await here.accessToken()
    clock.skipTo(grant)
    const renewed = await manager(clock.now).accessToken()
    const refreshes = emulator.count(TOKEN_ROUTE)
    // `here` still holds the first token, now due; the store holds the renewal, which is not.
    expect(await here.accessToken()).toBe(renewed)
    expect(emulator.count(TOKEN_ROUTE)).toBe(refreshes)
  })

  it('a refresh refused while a reconnect lands uses the new sign-in, not needs_reauth', async () => {
    const first = await linkGrant(emulator)
    await store(first, Date.now() - 1000)
    emulator.revokeAll()
    const second = await linkGrant(emulator)
    // The refused refresh is held at Dropbox until the reconnect has been stored.
    emulator.injectFault(TOKEN_ROUTE, { kind: 'delay', ms: 300 })
    const before = emulator.count(TOKEN_ROUTE)
    const token = manager().accessToken()
    await waitFor(() => emulator.count(TOKEN_ROUTE) > before, { what: 'the refresh request' })
    await store(second, Date.now() - 1000)
    await token
    expect(verdicts).toEqual([])
    expect((await stored()).refresh_token).toBe(second.refresh_token)
    expect(emulator.count(TOKEN_ROUTE)).toBe(before + 2)
  })

  it('marks needs_reauth when the stored sign-in itself is refused', async () => {
    await store(await linkGrant(emulator), Date.now() - 1000)
    emulator.revokeAll()
    await expect(manager().accessToken()).rejects.toMatchObject({ code: 'needs_reauth' })
    expect(verdicts).toEqual(['needs_reauth'])
  })

  it('does not mark a sign-in stored since the rejected token as revoked or lacking a scope', async () => {
    const first = await linkGrant(emulator)
    await store(first)
    const tokens = manager()
    await store(await linkGrant(emulator))
    await tokens.markRevoked(first.access_token)
    await tokens.markMissingPermission(first.access_token, 'files.content.write')
    expect(verdicts).toEqual([])
  })
})
