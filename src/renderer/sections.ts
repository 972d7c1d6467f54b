import type { IconName } from './components/Icon.tsx'

export type Section = 'uploads' | 'connections' | 'backups' | 'settings'

export const SECTIONS: { id: Section; label: string; icon: IconName }[] = [
  { id: 'uploads', label: 'Uploads', icon: 'upload' },
  { id: 'connections', label: 'Connections', icon: 'link' },
  { id: 'backups', label: 'Backups', icon: 'cloud' },
  { id: 'settings', label: 'Settings', icon: 'sliders' },
]

export const tabId = (section: Section) => `tab-${section}`
export const panelId = (section: Section) => `panel-${section}`
