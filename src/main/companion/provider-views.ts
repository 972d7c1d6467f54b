import type { ProviderView } from '../../shared/ipc-contract.ts'
import type { ProviderSettingsView } from '../../shared/provider-settings.ts'
import type { ProviderConfig } from '../auth/provider-config.ts'
import { providerById } from '../providers/registry.ts'

/**
 * Every provider as the Connections section draws it: from the registry and each provider's
 * settings, with its connect fields, so the window builds its forms without naming a provider.
 */
export async function providerViews(providers: ProviderConfig): Promise<ProviderView[]> {
  return (await providers.views()).map(toProviderView)
}

function toProviderView(view: ProviderSettingsView): ProviderView {
  const provider = providerById(view.provider_id)
  const fields = provider?.connectFields ?? []
  const redirects = provider?.redirects
  return {
    provider_id: view.provider_id,
    display_name: view.display_name,
    is_enabled: view.is_enabled,
    reason: view.reason,
    auth: view.auth,
    available: view.available,
    docsUrl: view.docsUrl,
    ...(redirects && !redirects.includes('manual') ? { pastedCode: false } : {}),
    connectFields: fields.map(({ name, label, kind, required, hint }) => ({
      name,
      label,
      kind,
      required,
      ...(hint === undefined ? {} : { hint }),
    })),
  }
}
