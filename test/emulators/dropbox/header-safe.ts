/**
 * Header-safe JSON (json-encoding reference): 0x7F and every non-ASCII character as \uXXXX, per
 * UTF-16 unit. Written here apart from the app's own, so the emulator checks the app rather than
 * sharing its code: used by the tests' requests and by the Dropbox-API-Result header.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
