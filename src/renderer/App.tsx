import appIcon from '../../assets/icons/128x128.png'

const CONNECT_COMMAND = 'npx fermentrack-backup connect dropbox'

export function App() {
  return (
    <main className="app">
      <header className="app-header">
        <img className="app-icon" src={appIcon} alt="" width={64} height={64} />
        <div>
          <h1>Fermentrack Backup Companion</h1>
          <p className="tagline">
            Uploads every new Fermentrack backup to your own cloud storage, verified by content
            hash.
          </p>
        </div>
      </header>

      <section className="card" aria-labelledby="get-started">
        <h2 id="get-started">Get started</h2>
        <p>Connect a storage provider from the command line for now:</p>
        <pre className="command">
          <code>{CONNECT_COMMAND}</code>
        </pre>
        <p className="hint">Setting up storage from this window is coming in a later version.</p>
      </section>

      <footer className="app-footer">Version {window.companion.version}</footer>
    </main>
  )
}
