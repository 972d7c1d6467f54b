import { Icon } from '../components/Icon.tsx'
import { useChooseFolder } from '../hooks/use-choose-folder.ts'

export interface FolderFieldProps {
  /** Names the buttons for screen readers, e.g. "backups folder". */
  name: string
  value: string | null
  emptyText: string
  describedBy?: string
  onChange: (folder: string | null) => void
  clearable?: boolean
}

/** A folder chosen with the system picker (typing paths is error-prone), optionally cleared. */
export function FolderField(props: FolderFieldProps) {
  const chooseFolder = useChooseFolder()
  const choose = async () => {
    const folder = await chooseFolder()
    if (folder) props.onChange(folder)
  }
  return (
    <div className="folder-field">
      <span className={props.value ? 'path' : 'path path-empty'} title={props.value ?? undefined}>
        <Icon name="folder" size={16} />
        <span className="ellipsis">{props.value ?? props.emptyText}</span>
      </span>
      <button
        type="button"
        className="button"
        onClick={() => void choose()}
        aria-label={`Choose the ${props.name}…`}
        aria-describedby={props.describedBy}
      >
        Choose…
      </button>
      {props.clearable && props.value && (
        <button
          type="button"
          className="button button-link"
          onClick={() => props.onChange(null)}
          aria-label={`Clear the ${props.name}`}
        >
          Clear
        </button>
      )}
    </div>
  )
}
