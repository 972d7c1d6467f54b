import { Banner } from '../components/Banner.tsx'
import { useLiveView } from '../hooks/use-live-view.ts'

/**
 * settings.json was edited by hand into something that is not valid settings: main keeps the
 * settings from before, and this says so (the file, what is wrong) until the file is put right.
 * Not dismissable: an edit the app ignores is worth seeing until it is fixed.
 */
export function SettingsFileBanner() {
  const view = useLiveView('settingsFile.get', 'settingsFile.changed')
  if (!view?.problem) return null
  return (
    <Banner tone="warning" icon="alert" title="Your edit of the settings file is not applied">
      {view.problem}
    </Banner>
  )
}
