// Imported before any schema is defined (first in main.tsx). zod compiles object checks with
// `new Function` when it may, and probes for that as each object schema is defined; the window's
// CSP forbids eval, and Chromium reports even the caught probe as a violation. Plain
// interpretation is fast enough for a settings form.
import { z } from 'zod'

z.config({ jitless: true })
