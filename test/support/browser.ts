/** Plays the browser's part of a sign-in: opens the authorize URL and follows Dropbox's redirect. */
export async function authorizeRedirect(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (response.status !== 302 || !location) {
    throw new Error(
      `authorize answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    )
  }
  return location
}

/**
 * The paste-the-code flow: Dropbox shows the code on its page instead of redirecting. `fetchFn`:
 * a browser that trusts a test CA, for an https emulator.
 */
export async function authorizeShownCode(
  authorizeUrl: string,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const html = await (await fetchFn(authorizeUrl)).text()
  const code = /<code id="auth-code">([^<]+)<\/code>/.exec(html)?.[1]
  if (!code) throw new Error(`no code on the authorize page: ${html.slice(0, 200)}`)
  return code
}
