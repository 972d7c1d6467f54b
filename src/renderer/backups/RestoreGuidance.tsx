import { Icon } from '../components/Icon.tsx'

/**
 * How a restored archive goes back into Fermentrack. Kept to what Fermentrack documents: a backup
 * is one brewhouse's .tar.xz archive, it is restored from Fermentrack's own backup and restore
 * page, and restoring replaces that brewhouse's data with the archive's.
 */
export function RestoreGuidance() {
  return (
    <section className="card restore-guidance" aria-labelledby="restore-guidance-heading">
      <h3 id="restore-guidance-heading" className="guidance-title">
        <Icon name="info" size={16} />
        Putting a backup back into Fermentrack
      </h3>
      <ol className="guidance-steps">
        <li>Restore the backup here: it is saved on this computer, checked.</li>
        <li>In Fermentrack, open the backup and restore page.</li>
        <li>Upload the restored .tar.xz archive there and start the restore.</li>
      </ol>
      <p className="guidance-warning">
        <Icon name="alert" size={16} />
        <span>
          <strong>A restore replaces the brewhouse’s data</strong> with what the archive holds.
          Restore onto a fresh install, or back up the current state first.
        </span>
      </p>
    </section>
  )
}
