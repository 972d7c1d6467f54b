/**
 * Every error the app can show, in one table. The README's troubleshooting section, the CLI,
 * the tray and the UI all read from here, so a message and its fix never drift apart.
 */
export const ERROR_CODES = {
  usage: {
    cause: 'The command line was not understood.',
    fix: 'Run `fermentrack-backup --help` for the commands and their options.',
  },
  invalid_request: {
    cause: 'The app refused a request that was malformed or did not come from its own window.',
    fix: 'Restart the app; if it happens again, report it with the log from FTB_HOME/logs.',
  },
  link_refused: {
    cause: 'That link does not open from the app.',
    fix: "Only https links to a configured provider's sign-in page and the project documentation open from the app; copy other links by hand.",
  },
  not_a_file: {
    cause: 'Only files can be uploaded.',
    fix: 'Drop backup files (.tar.xz or .zip), not folders or links.',
  },
  invalid_setting: {
    cause: 'A setting has a value the app cannot use.',
    fix: 'Correct the value named in the message; nothing was changed.',
  },
  unknown_provider: {
    cause: 'No storage provider has that name.',
    fix: 'Run `fermentrack-backup providers` to list the provider ids.',
  },
  provider_not_enabled: {
    cause:
      'That storage provider is not enabled: it is switched off, not built yet, or has no app key (client id) configured.',
    fix: 'Configure it in Settings → Storage providers or with `fermentrack-backup providers configure <id>`; see "Storage providers" in the README.',
  },
  invalid_state: {
    cause:
      'The sign-in answer does not belong to a sign-in this app started (unknown or forged state).',
    fix: 'Start again with `fermentrack-backup connect <provider>` (or Connect in the app) and finish it in the browser it opens.',
  },
  state_expired: {
    cause: 'The sign-in answer came after the 10-minute limit for a sign-in.',
    fix: 'Start again with `fermentrack-backup connect <provider>` (or Connect in the app) and finish within 10 minutes.',
  },
  state_reused: {
    cause: 'The sign-in answer was already used once; each one works a single time.',
    fix: 'Start again with `fermentrack-backup connect <provider>` (or Connect in the app).',
  },
  malformed_callback: {
    cause: 'The sign-in address is not a valid Fermentrack Backup Companion callback.',
    fix: 'Use the whole fermentrack-backup://oauth/callback?... address the browser was sent to, or start again.',
  },
  authorization_denied: {
    cause: 'The provider did not grant access (the sign-in was cancelled or refused).',
    fix: 'Start again and choose "Allow" (or "Continue") on the provider\'s page.',
  },
  no_sign_in_waiting: {
    cause: 'No `connect` is waiting for a sign-in answer.',
    fix: 'Start `fermentrack-backup connect <provider>` first, then open the link it prints.',
  },
  sign_in_already_waiting: {
    cause: 'Another sign-in is already waiting for its answer on this computer.',
    fix: 'Finish or cancel that sign-in (Ctrl-C in its terminal, or Cancel in the app) and start again.',
  },
  redirect_timeout: {
    cause: 'The browser never came back with a sign-in answer.',
    fix: "If the provider's page said the redirect URI is invalid, add the redirect URI printed here to your app registration there, exactly; or use `--redirect manual` and paste the code where the provider allows it.",
  },
  loopback_port_in_use: {
    cause: 'The local port for the sign-in redirect is already in use.',
    fix: 'Close the program using it, or set FTB_LOOPBACK_PORT to a free port and register http://127.0.0.1:<port>/oauth/callback in your app registration at the provider; or use `--redirect manual`.',
  },
  invalid_code: {
    cause: 'The provider refused the authorization code (mistyped, already used or expired).',
    fix: 'Start again and paste the whole code the provider shows, within a few minutes.',
  },
  token_refresh_failed: {
    cause: 'The provider did not renew the access token.',
    fix: 'Check the internet connection and try again; if it keeps failing, reconnect the account.',
  },
  needs_reauth: {
    cause:
      "The provider no longer accepts this connection's sign-in (revoked, expired, or a changed password); reconnect.",
    fix: 'Run `fermentrack-backup connect <provider>` again (or Reconnect in the app); queued work is kept and resumes.',
  },
  missing_permission: {
    cause:
      'The Dropbox app lacks a permission this app needs: a scope such as files.content.write is not ticked on the Permissions tab of the App Console.',
    fix: 'Tick files.content.write, files.metadata.read and account_info.read on the Permissions tab of your app in the Dropbox App Console and press Submit, then reconnect (`fermentrack-backup connect dropbox` or Reconnect in the app); queued work waits and resumes.',
  },
  invalid_credentials: {
    cause: 'The server refused the user name, password or access keys.',
    fix: "Check them (for Nextcloud and WebDAV, an app password from your account's security settings) and connect again; nothing was saved.",
  },
  connection_test_failed: {
    cause: 'The server answered, but not as a storage server of this kind would.',
    fix: 'Check the address and the other details you gave (the message says which looks wrong). Nothing was saved.',
  },
  not_revoked: {
    cause:
      'The connection was removed from this computer, but the provider could not be reached to revoke its access.',
    fix: 'Revoke it yourself in your account there (Dropbox: Settings → Connected apps; Nextcloud: Settings → Security → Devices & sessions). Until then the old sign-in stays valid there.',
  },
  connection_not_found: {
    cause: 'No connection has that id.',
    fix: 'Run `fermentrack-backup connections` to list the connection ids.',
  },
  keychain_unavailable: {
    cause:
      'The OS keychain (Secret Service) cannot be reached or is locked, so tokens cannot be stored safely.',
    fix: 'Unlock or start your keyring (for example gnome-keyring in a D-Bus session), or on a headless machine set FTB_SECRET_STORE=file to keep tokens in an owner-only file, unencrypted.',
  },
  secret_migration_failed: {
    cause: 'A token copied to the new secret store could not be read back from it.',
    fix: 'Nothing was removed from the old store and the setting is unchanged. Check that the new store works (unlock the keyring), then run `fermentrack-backup secrets migrate` again.',
  },
  secret_store_invalid: {
    cause: 'The token file is unreadable or damaged.',
    fix: 'Reconnect the account to write it again, or restore the file from a backup.',
  },
  network: {
    cause: 'The storage provider could not be reached.',
    fix: 'Check the internet connection (and proxy settings); the app retries by itself.',
  },
  proxy_refused: {
    cause:
      'The proxy did not pass the request on: it could not be reached, or it refused the connection.',
    fix: "Check the proxy named in the message: that it runs at that address and port, allows this computer, and allows CONNECT to the server's port (443). The CLI takes it from HTTPS_PROXY/HTTP_PROXY (NO_PROXY lists the hosts reached directly), the desktop app from the system proxy settings.",
  },
  proxy_auth_required: {
    cause: 'The proxy asks for a user name and password (407 Proxy Authentication Required).',
    fix: "For the CLI, put them in the proxy URL: HTTPS_PROXY=http://user:password@host:port. The desktop app cannot answer a proxy's password prompt: use a proxy that does not ask for one, or start the app with HTTPS_PROXY set that way.",
  },
  rate_limited: {
    cause: 'The storage provider asked the app to slow down (rate limit).',
    fix: 'Nothing to do: the app waits as long as the provider asks and then retries.',
  },
  provider_error: {
    cause: 'The storage provider answered with an unexpected error.',
    fix: 'Try again later; if it persists, run with FTB_LOG_LEVEL=debug and report the log.',
  },
  insufficient_space: {
    cause: 'The storage is full: the backup does not fit in the space left.',
    fix: 'Free up space (or upgrade the plan), then retry the failed uploads (Retry in the app, or `fermentrack-backup retry --all-failed`).',
  },
  file_missing: {
    cause: 'The backup file is gone: it was deleted or moved before it could be uploaded.',
    fix: 'Nothing to upload; if it was moved into the watched folder again it is picked up by itself.',
  },
  file_changed: {
    cause: 'The backup file changed while it was being uploaded.',
    fix: 'Nothing to do: the upload starts again once the file has stopped changing.',
  },
  archive_incomplete: {
    cause:
      'The backup archive is not complete yet: its end is missing, so it is probably still being written.',
    fix: 'Nothing to do: it is checked again when it changes and uploaded once complete; if it stays incomplete for `incompleteArchiveMinutes` (10 by default), the upload fails.',
  },
  archive_truncated: {
    cause:
      'The backup archive looks truncated: its end is missing or damaged, and it has stopped changing.',
    fix: 'Check the disk space and the program that writes the backups, then make a new backup; if this file is completed later, it is uploaded by itself.',
  },
  permission_denied: {
    cause: 'The app is not allowed to read the backup file or its folder.',
    fix: 'Give your user read access to the file and folder (for example `chmod o+r`), then retry.',
  },
  file_too_large: {
    cause: 'The file is larger than the storage provider accepts.',
    fix: "The message names the provider's limit (Dropbox: 2 TiB less 4 MiB; S3: 5 TiB); split or shrink the backup.",
  },
  verification_failed: {
    cause: 'The uploaded copy does not match the file (content hash differs).',
    fix: 'Nothing to do: the upload is retried; if it keeps failing, check the disk and the network.',
  },
  restore_mismatch: {
    cause:
      'The downloaded backup does not match its checksum: the copy at the storage provider is damaged or was changed, and nothing was restored.',
    fix: 'Restore an older backup, and check the storage for damage.',
  },
  restore_folder_missing: {
    cause: 'The folder named with --to does not exist, or is not a folder.',
    fix: 'Create it, or name another with --to; without --to it goes to your Downloads folder (made if missing). Nothing was downloaded.',
  },
  restore_stopped: {
    cause: 'The restore was stopped before the download finished; what arrived is kept.',
    fix: 'Run the same restore again: it continues where it stopped.',
  },
  remote_not_found: {
    cause:
      'There is no such file or folder at the storage provider: it was removed, or the path is wrong.',
    fix: 'Check the path against a listing of the remote folder; a backup removed there can be uploaded again from the backups folder.',
  },
  destination_unavailable: {
    cause: 'The destination folder is missing or cannot be written.',
    fix: 'Mount or create the destination folder (for a NAS, check it is mounted), or change it in the settings.',
  },
  watch_folder_unavailable: {
    cause: 'The watched backups folder is missing or cannot be read.',
    fix: 'Create or mount the folder, or choose another one (`--dir`, or the Fermentrack in Settings or `sources`); watching resumes by itself.',
  },
  job_not_found: {
    cause: 'No upload job has that id.',
    fix: 'Run `fermentrack-backup history` to list the jobs and their ids.',
  },
  no_destination: {
    cause: 'There is nowhere to upload to: no connection and no local destination folder.',
    fix: 'Connect a provider (`fermentrack-backup providers` lists them, `fermentrack-backup connect <id>` adds one), or set a destination folder with the `localDestination` setting or FTB_LOCAL_DESTINATION.',
  },
  prune_list_changed: {
    cause:
      'The backups to remove are no longer the ones you confirmed: the destination or its policy changed since the preview.',
    fix: 'Nothing was deleted. Look at the new preview and confirm Prune now again.',
  },
  ping_url_invalid: {
    cause:
      'The healthcheckUrl written into settings.json is not an http:// or https:// address, so it was not saved; it was removed from the file all the same.',
    fix: 'Set the ping URL again: `fermentrack-backup health --set-ping-url-stdin`, or Settings → Health → Ping URL in the app (a healthchecks.io URL looks like https://hc-ping.com/<uuid>).',
  },
  ping_url_not_saved: {
    cause:
      'The healthcheckUrl written into settings.json could not be saved in the secret store; it was removed from the file, which never keeps a secret.',
    fix: 'Unlock the keychain (or fix the secretStore setting), then set the ping URL again: `fermentrack-backup health --set-ping-url-stdin`, or Settings → Health → Ping URL in the app.',
  },
  interrupted: {
    cause: 'The command was stopped before its uploads finished.',
    fix: 'Nothing is lost: unfinished uploads resume with the next `fermentrack-backup watch` or `upload`.',
  },
  settings_unreadable: {
    cause: 'The settings file could not be read or written.',
    fix: 'Check that the settings folder (FTB_HOME) exists and belongs to your user.',
  },
  queue_storage_failed: {
    cause:
      'The upload queue could not be saved in FTB_HOME: its disk is full, read-only or failing.',
    fix: 'Free space on the disk that holds FTB_HOME, or make it writable. Nothing queued is lost, and a running watch tries again by itself.',
  },
} as const satisfies Record<string, { cause: string; fix: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** The shape errors take when they cross a process boundary (IPC, --json): never a stack or a secret. */
export interface ErrorPayload {
  code: ErrorCode
  message: string
}
