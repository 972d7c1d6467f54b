/**
 * The row a key moves a grid's selection to, as native lists do (arrows, Page Up/Down, Home,
 * End), or undefined for any other key. `selected` is null before anything is selected.
 */
export function rowForKey(
  key: string,
  selected: number | null,
  pageRows: number,
  count: number,
): number | undefined {
  if (count === 0) return undefined
  const at = selected ?? -1
  const moves: Record<string, number> = {
    ArrowDown: at + 1,
    ArrowUp: at - 1,
    PageDown: at + pageRows,
    PageUp: at - pageRows,
    Home: 0,
    End: count - 1,
  }
  const target = moves[key]
  return target === undefined ? undefined : Math.max(0, Math.min(count - 1, target))
}
