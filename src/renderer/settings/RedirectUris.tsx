import { useState } from 'react'
import { useCompanion } from '../companion-context.ts'
import { Icon } from '../components/Icon.tsx'
import { useToast } from '../toast-context.ts'

/** The redirect URIs to register with the provider: read-only, each with its Copy button. */
export function RedirectUris({ uris, labelledBy }: { uris: string[]; labelledBy: string }) {
  const api = useCompanion()
  const toast = useToast()
  const [copied, setCopied] = useState<string | null>(null)
  const copy = async (uri: string) => {
    const result = await api['app.copyText']({ text: uri })
    if (result.ok) setCopied(uri)
    else toast({ kind: 'error', title: 'Could not copy', message: result.error.message })
  }
  return (
    <ul className="redirect-uris" aria-labelledby={labelledBy}>
      {uris.map((uri) => (
        <li key={uri}>
          <input
            className="input mono small"
            readOnly
            value={uri}
            aria-label="Redirect URI"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            className="button"
            onClick={() => void copy(uri)}
            aria-label={`Copy ${uri}`}
          >
            <Icon name={copied === uri ? 'check' : 'copy'} size={16} />
            {copied === uri ? 'Copied' : 'Copy'}
          </button>
        </li>
      ))}
    </ul>
  )
}
