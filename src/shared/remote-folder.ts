/** A folder path inside the destination: "/" alone, or "/a/b" with no empty or trailing part. */
export const REMOTE_FOLDER = /^\/(?:[^/]+(?:\/[^/]+)*)?$/
