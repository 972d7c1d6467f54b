import type { NextcloudEmulator } from './types.ts'

/** A signed-in test client for the emulator's own tests: Login Flow v2, then Basic auth. */
export async function signIn(nc: NextcloudEmulator) {
  const started = (await (
    await fetch(`${nc.url}/index.php/login/v2`, { method: 'POST' })
  ).json()) as {
    poll: { token: string; endpoint: string }
    login: string
  }
  nc.grantLogin(started.login)
  const granted = await fetch(started.poll.endpoint, {
    method: 'POST',
    body: new URLSearchParams({ token: started.poll.token }),
  })
  const { loginName, appPassword } = (await granted.json()) as {
    loginName: string
    appPassword: string
  }
  const auth = `Basic ${Buffer.from(`${loginName}:${appPassword}`).toString('base64')}`
  const files = `${nc.url}/remote.php/dav/files/${nc.user.id}`
  const uploads = `${nc.url}/remote.php/dav/uploads/${nc.user.id}`
  const dav = (
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ) => fetch(url, { method, headers: { authorization: auth, ...headers }, body })
  return { auth, appPassword, files, uploads, dav }
}
