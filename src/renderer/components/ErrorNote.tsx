import type { ErrorInfo } from '../api-types.ts'
import { Icon } from './Icon.tsx'

/** An engine error as it came: its message already says what went wrong and what to do. */
export function ErrorNote({ error, id }: { error: ErrorInfo; id?: string }) {
  return (
    <p className="error-note" role="alert" id={id}>
      <Icon name="errorCircle" size={16} />
      <span>{error.message}</span>
    </p>
  )
}
