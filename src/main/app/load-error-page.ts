// The page the window shows when the app's own page can't be shown: what happened, where the log
// is, and a link to try again. A data: URL, so it needs neither the renderer files nor the
// app:// handler that may be what failed. No script: a static page needs none.
import { APP_NAME } from './tray-menu.ts'

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function loadErrorPage(reason: string, logFile: string, retryUrl: string): string {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(APP_NAME)}</title>
<style>body{font:15px system-ui,sans-serif;margin:3em;max-width:40em;line-height:1.5}
code{background:#8882;padding:.1em .3em;border-radius:3px;word-break:break-all}</style></head>
<body><h1>${escapeHtml(APP_NAME)} could not show its window</h1>
<p>${escapeHtml(reason)}</p>
<p>Backups keep uploading in the background. The log says more:<br><code>${escapeHtml(logFile)}</code></p>
<p><a href="${escapeHtml(retryUrl)}">Try again</a>, or quit from the tray and start the app again.
If it keeps happening, attach the log to a bug report.</p></body></html>`
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`
}
