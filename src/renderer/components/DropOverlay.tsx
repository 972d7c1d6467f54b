import { useState, type ReactNode } from 'react'
import type { Destination } from '../destinations.ts'
import { ALL_DESTINATIONS } from '../hooks/use-drop-upload.ts'
import type { DragKind } from '../hooks/use-window-drop.ts'
import { Icon } from './Icon.tsx'

/**
 * Covers the window while something is dragged over it. With more than one destination it
 * offers a zone per destination beside the default "all"; where the drop lands picks it.
 */
export function DropOverlay({
  kind,
  destinations,
}: {
  kind: DragKind
  destinations: Destination[]
}) {
  const [over, setOver] = useState<string>(ALL_DESTINATIONS)

  if (kind === 'other') {
    return (
      <div className="drop-overlay drop-rejected" role="presentation">
        <div className="drop-zone">
          <Icon name="alert" size={32} />
          <strong>Only files can be dropped here</strong>
          <span>Drag backup files from your file manager, such as a .tar.xz from Fermentrack.</span>
        </div>
      </div>
    )
  }

  const zone = (id: string, children: ReactNode, className: string) => (
    <div
      key={id}
      className={`${className}${over === id ? ' over' : ''}`}
      data-drop-target={id}
      onDragEnter={() => setOver(id)}
    >
      {children}
    </div>
  )

  const only = destinations.length === 1 ? destinations[0] : undefined
  return (
    <div className="drop-overlay" role="presentation">
      {zone(
        ALL_DESTINATIONS,
        <>
          <Icon name="upload" size={36} />
          <strong>Drop to upload now</strong>
          <span>
            {only
              ? `Backups go to ${only.label}.`
              : destinations.length > 1
                ? `To all ${destinations.length} destinations, or drop on one below.`
                : 'They are checked and queued at once.'}
          </span>
        </>,
        'drop-zone',
      )}
      {destinations.length > 1 && (
        <div className="drop-targets">
          {destinations.map((d) =>
            zone(
              d.id,
              <>
                <Icon name={d.kind === 'cloud' ? 'cloud' : 'drive'} size={20} />
                <span>Only {d.label}</span>
              </>,
              'drop-target',
            ),
          )}
        </div>
      )}
    </div>
  )
}
