import { htmlReply, type Reply } from './reply.ts'

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`
}

/** Dropbox answers a bad authorize request in the browser, never by redirecting (HTTP docs). */
export function authorizeErrorPage(detail: string): Reply {
  return htmlReply(
    400,
    page(
      'Dropbox - 400',
      `<h1>Error (400)</h1><p>It seems the app you were using submitted a bad request. If you would like to report this error to the app's developer, include the information below.</p><p>More details for developers</p><p id="error-detail">${escapeHtml(detail)}</p>`,
    ),
  )
}

/** No redirect_uri: Dropbox shows the code for the user to paste into the app. */
export function codePage(code: string): Reply {
  return htmlReply(
    200,
    page(
      'Dropbox - API Request Authorized',
      `<h1>Access code generated</h1><p>Enter this code into the app to complete the authorization.</p><code id="auth-code">${escapeHtml(code)}</code>`,
    ),
  )
}

export function deniedPage(): Reply {
  return htmlReply(
    200,
    page(
      'Dropbox - Access denied',
      '<h1>You chose not to give the app access to your Dropbox.</h1>',
    ),
  )
}
