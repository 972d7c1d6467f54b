// `node --import ./test/support/electron/register.ts …`, or a vitest setup file: from here on,
// `import 'electron'` in natively loaded code is the fake (resolve-hook.ts).
import { register } from 'node:module'

register('./resolve-hook.ts', import.meta.url)
