// Written into the app and CLI bundles at build time from FTB_BUILTIN_DROPBOX_APP_KEY and
// FTB_BUILTIN_<PROVIDER>_CLIENT_ID (see scripts/built-in-keys.ts); absent when running from source.
declare const __FTB_BUILTIN_CLIENT_IDS__: Record<string, string> | undefined

/**
 * The client ids (public, never secrets) a release ships with, by provider id, so its users
 * just click Connect. The environment and the settings still override them.
 */
export const BUILT_IN_CLIENT_IDS: Readonly<Record<string, string>> =
  typeof __FTB_BUILTIN_CLIENT_IDS__ === 'undefined' ? {} : __FTB_BUILTIN_CLIENT_IDS__
