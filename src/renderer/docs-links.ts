// Pages the app links to; main opens only https links on its allow-list (github.com, dropbox.com).
export const DROPBOX_SETUP_URL =
  'https://github.com/fermentrack-backup-companion/fermentrack-backup-companion#dropbox-app-setup'
export const DROPBOX_APP_CONSOLE_URL = 'https://www.dropbox.com/developers/apps'
