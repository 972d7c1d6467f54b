/**
 * JSON for the Dropbox-API-Arg header. HTTP headers carry bytes, not text, so Dropbox requires
 * 0x7F and every non-ASCII character escaped as \uXXXX (developers/reference/json-encoding).
 * The escapes are per UTF-16 unit, so characters past the BMP (emoji) become surrogate pairs.
 */
export function headerSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, escapeUnit)
}

function escapeUnit(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
}
