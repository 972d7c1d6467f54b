import type { CompanionApi } from './api-types.ts'
import { CompanionContext } from './companion-context.ts'
import { AppShell } from './components/AppShell.tsx'
import { ToastProvider } from './components/ToastProvider.tsx'

/** The window: everything it does goes through `api` (window.companion, or a fake in tests). */
export function App({ api }: { api: CompanionApi }) {
  return (
    <CompanionContext value={api}>
      <ToastProvider>
        <AppShell />
      </ToastProvider>
    </CompanionContext>
  )
}
