/** An ETA in words: "about 20 s left", "about 3 min left". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return 'estimating time left'
  if (seconds < 5) return 'a few seconds left'
  if (seconds < 60) return `about ${Math.round(seconds)} s left`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `about ${minutes} min left`
  const hours = Math.floor(minutes / 60)
  return `about ${hours} h ${minutes % 60} min left`
}
