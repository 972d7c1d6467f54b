import { useChooseFolder } from '../hooks/use-choose-folder.ts'
import { useSaveSetting } from '../hooks/use-save-setting.ts'
import { ProviderGlyph } from './ProviderGlyph.tsx'

/** The local or NAS folder destination: choose one, change it, or stop copying there. */
export function LocalFolderCard(props: { folder: string | null; name: string; alone: boolean }) {
  const { folder, name, alone } = props
  const chooseFolder = useChooseFolder()
  const save = useSaveSetting()
  const choose = async () => {
    const picked = await chooseFolder()
    if (picked) await save({ localDestination: picked })
  }
  return (
    <article className="card provider" aria-labelledby="provider-folder">
      <ProviderGlyph auth="none" />
      <div className="provider-main">
        <div className="account-head">
          <h3 id="provider-folder">{name}</h3>
          {folder && <span className="pill pill-ok">Copying here</span>}
        </div>
        {folder ? (
          <p className="path" title={folder}>
            <span className="ellipsis">{folder}</span>
          </p>
        ) : (
          <p className="muted">
            {alone
              ? 'Copy every backup to a folder on this computer or a mounted NAS share, with or without a cloud account.'
              : 'Also copy every backup to a folder on this computer or a mounted NAS share.'}
          </p>
        )}
        <div className="card-actions">
          <button
            type="button"
            className={folder ? 'button' : 'button button-primary'}
            onClick={() => void choose()}
          >
            {folder ? 'Change folder…' : 'Choose folder…'}
          </button>
          {folder && (
            <button
              type="button"
              className="button button-quiet-danger"
              onClick={() => void save({ localDestination: null })}
            >
              Stop copying here
            </button>
          )}
        </div>
      </div>
    </article>
  )
}
