/** aria-describedby for a field: its hint, then its error while it has one. */
export function describedBy(
  id: (name: string) => string,
  field: string,
  errors: Partial<Record<string, string>>,
): string {
  return errors[field] ? `${id(`${field}-hint`)} ${id(`${field}-error`)}` : id(`${field}-hint`)
}
