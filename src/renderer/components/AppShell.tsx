import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { useCompanion } from '../companion-context.ts'
import { listDestinations } from '../destinations.ts'
import { firstSource } from '../../shared/source-names.ts'
import { useActiveTransfers } from '../hooks/use-active-transfers.ts'
import { useChooseFolder } from '../hooks/use-choose-folder.ts'
import { useConnections } from '../hooks/use-connections.ts'
import { useDropUpload } from '../hooks/use-drop-upload.ts'
import { useSaveSetting } from '../hooks/use-save-setting.ts'
import { useSettings } from '../hooks/use-settings.ts'
import { useSignIn } from '../hooks/use-sign-in.ts'
import { useStatus } from '../hooks/use-status.ts'
import { useWindowDrop } from '../hooks/use-window-drop.ts'
import { useWindowMemory } from '../hooks/use-window-memory.ts'
import { BackupsView } from '../backups/BackupsView.tsx'
import { ConnectionsView } from '../connections/ConnectionsView.tsx'
import { SECTIONS, panelId, tabId, type Section } from '../sections.ts'
import { PROVIDERS_HEADING_ID } from '../settings/ProviderSettingsSection.tsx'
import { SettingsView } from '../settings/SettingsView.tsx'
import { useToast } from '../toast-context.ts'
import { UploadsView } from '../uploads/UploadsView.tsx'
import { AppBanners } from './AppBanners.tsx'
import { DropOverlay } from './DropOverlay.tsx'
import { Sidebar, type SidebarBadge } from './Sidebar.tsx'
import { StatusBar } from './StatusBar.tsx'

const sectionNamed = (name: string | null | undefined): Section | undefined =>
  SECTIONS.find((s) => s.id === name)?.id

export function AppShell() {
  const api = useCompanion()
  const toast = useToast()
  const { memory, remember } = useWindowMemory()
  // The section shown last time, once read; a section chosen before that wins.
  const [chosen, setChosen] = useState<Section | null>(null)
  const section = chosen ?? sectionNamed(memory?.lastView) ?? 'uploads'
  const setSection = useCallback(
    (next: Section) => {
      setChosen(next)
      remember({ lastView: next })
    },
    [remember],
  )
  const status = useStatus()
  const { connections, providers, loadError: connectionsError } = useConnections()
  const { settings, loadError: settingsError, apply: applySettings } = useSettings()
  const transfers = useActiveTransfers()
  const signIn = useSignIn()
  const chooseFolder = useChooseFolder()
  const saveSetting = useSaveSetting()
  const dropUpload = useDropUpload()
  const dragging = useWindowDrop((drop) => void dropUpload(drop))
  const [pausing, setPausing] = useState(false)
  // Backups are listed from the first visit on (a listing reads the destination), and the view
  // then stays mounted, so a restore keeps going while another section is shown.
  const [backupsOpened, setBackupsOpened] = useState(false)
  if (section === 'backups' && !backupsOpened) setBackupsOpened(true)
  const destinations = listDestinations(connections, providers, settings)
  const loaded = connections !== null && settings !== null
  const setupNeeded = loaded && (destinations.length === 0 || settings.sources.length === 0)

  // Ctrl/⌘ + 1, 2, 3, 4 jump between sections, as in most desktop apps.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return
      const target = SECTIONS[Number(event.key) - 1]
      if (!target) return
      event.preventDefault()
      setSection(target.id)
      document.getElementById(tabId(target.id))?.focus()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [setSection])

  const setPausedAll = async (pause: boolean) => {
    setPausing(true)
    const result = pause ? await api['uploads.pause']({}) : await api['uploads.resume']({})
    setPausing(false)
    if (!result.ok)
      toast({ kind: 'error', title: 'Could not change uploads', message: result.error.message })
  }

  const chooseWatchFolder = async () => {
    const folder = await chooseFolder()
    if (folder && (await saveSetting({ sources: [firstSource(folder)] })))
      toast({ kind: 'success', title: 'Watching the backups folder', message: folder })
  }

  const failed = status?.counts.failed ?? 0
  const inFlight = (status?.counts.uploading ?? 0) + (status?.counts.verifying ?? 0)
  // Signed out or lacking a permission: either way the account waits for a reconnect.
  const reauth = (connections ?? []).filter((c) => c.status !== 'connected')
  const badges: Partial<Record<Section, SidebarBadge>> = {}
  if (failed > 0)
    badges.uploads = { text: String(failed), label: `${failed} failed`, tone: 'error' }
  else if (inFlight > 0)
    badges.uploads = { text: String(inFlight), label: `${inFlight} uploading`, tone: 'info' }
  if (reauth.length > 0)
    badges.connections = { text: '!', label: 'sign-in needed', tone: 'warning' }

  const panel = (id: Section, content: ReactNode) => (
    <div
      key={id}
      role="tabpanel"
      id={panelId(id)}
      aria-labelledby={tabId(id)}
      hidden={section !== id}
      className="panel"
      tabIndex={-1}
    >
      {content}
    </div>
  )

  return (
    <div className="app">
      <Sidebar current={section} onSelect={setSection} badges={badges} />
      <div className="main">
        <StatusBar
          status={status}
          setupNeeded={setupNeeded}
          busy={pausing}
          onPause={() => void setPausedAll(true)}
          onResume={() => void setPausedAll(false)}
        />
        <AppBanners
          status={status}
          reauth={reauth}
          providers={providers}
          signInBusy={signIn.state.phase !== 'idle'}
          showReauth={section !== 'connections'}
          dismissed={memory?.dismissedBanners ?? []}
          onDismiss={(id) => remember({ dismissBanner: id })}
          onReconnect={(id) => {
            const connection = reauth.find((c) => c.id === id)
            const provider = providers?.find((p) => p.provider_id === connection?.provider)
            // A browser sign-in starts at once; the others reconnect on their account card.
            if (provider?.auth === 'oauth-pkce') signIn.connect(provider, id)
            setSection('connections')
          }}
        />
        {panel(
          'uploads',
          <UploadsView
            status={status}
            settings={settings}
            transfers={transfers}
            destinations={destinations}
            loaded={loaded}
            onGoToConnections={() => setSection('connections')}
            onChooseWatchFolder={() => void chooseWatchFolder()}
          />,
        )}
        {panel(
          'connections',
          <ConnectionsView
            connections={connections}
            providers={providers}
            settings={settings}
            status={status}
            signIn={signIn}
            loadError={connectionsError}
            onOpenProviderSettings={() => {
              setSection('settings')
              requestAnimationFrame(() =>
                document.getElementById(PROVIDERS_HEADING_ID)?.scrollIntoView?.({ block: 'start' }),
              )
            }}
          />,
        )}
        {panel(
          'backups',
          backupsOpened && (
            <BackupsView
              destinations={destinations}
              loaded={loaded}
              onGoToConnections={() => setSection('connections')}
            />
          ),
        )}
        {panel(
          'settings',
          <SettingsView
            settings={settings}
            status={status}
            loadError={settingsError}
            destinations={destinations}
            onSaved={applySettings}
          />,
        )}
      </div>
      {dragging && <DropOverlay kind={dragging} destinations={destinations} />}
    </div>
  )
}
