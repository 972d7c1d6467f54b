import { Icon } from '../components/Icon.tsx'

export interface SetupChecklistProps {
  hasDestination: boolean
  hasWatchFolder: boolean
  onConnect: () => void
  onChooseWatchFolder: () => void
}

/** First run: the two things to do before backups flow, each with the button that does it. */
export function SetupChecklist(props: SetupChecklistProps) {
  const { hasDestination, hasWatchFolder } = props
  if (hasDestination && hasWatchFolder) return null
  return (
    <section className="card checklist" aria-labelledby="setup-heading">
      <h2 id="setup-heading" className="section-title">
        Finish setting up
      </h2>
      <ol>
        <li className={hasDestination ? 'done' : ''}>
          <span className="step-mark" aria-hidden="true">
            {hasDestination ? <Icon name="check" size={14} /> : '1'}
          </span>
          <span className="step-text">
            {hasDestination ? (
              'Storage is connected.'
            ) : (
              <>
                <strong>Connect your storage</strong> (a cloud account or a NAS folder) so backups
                have somewhere to go.
              </>
            )}
          </span>
          {!hasDestination && (
            <button type="button" className="button button-primary" onClick={props.onConnect}>
              Connect storage
            </button>
          )}
        </li>
        <li className={hasWatchFolder ? 'done' : ''}>
          <span className="step-mark" aria-hidden="true">
            {hasWatchFolder ? <Icon name="check" size={14} /> : '2'}
          </span>
          <span className="step-text">
            {hasWatchFolder ? (
              'The backups folder is chosen.'
            ) : (
              <>
                <strong>Choose the folder</strong> Fermentrack saves its backups to.
              </>
            )}
          </span>
          {!hasWatchFolder && (
            <button type="button" className="button" onClick={props.onChooseWatchFolder}>
              <Icon name="folder" size={16} />
              Choose folder…
            </button>
          )}
        </li>
      </ol>
    </section>
  )
}
