/**
 * The reason an upload's signal carries when its job was cancelled (by the user, or because a
 * newer version of the file replaced it), as opposed to a pause or a shutdown, after which the
 * upload resumes. Providers that keep server-side state for a resume (an S3 multipart upload,
 * which is billed until aborted) drop that state only for this reason.
 */
export class JobCancelled extends Error {
  constructor() {
    super('The upload job was cancelled.')
    this.name = 'JobCancelled'
  }
}

export function wasCancelled(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof JobCancelled
}
