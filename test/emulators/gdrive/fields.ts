/**
 * Drive's partial responses: `fields=id,name,files(id,size)`. Without `fields` a file has only
 * kind, id, name and mimeType, so a client that wants sha256Checksum or size must ask for it.
 */
export type FieldTree = Map<string, FieldTree | null>

export function parseFields(text: string): FieldTree {
  const tree: FieldTree = new Map()
  let i = 0
  const parseList = (into: FieldTree, closing: string | null) => {
    while (i < text.length) {
      const name = /^[A-Za-z0-9_]+(?:\/[A-Za-z0-9_]+)*/.exec(text.slice(i))?.[0]
      if (!name) throw new Error(`Invalid field selection ${text}`)
      i += name.length
      let sub: FieldTree | null = null
      if (text[i] === '(') {
        i++
        sub = new Map()
        parseList(sub, ')')
      }
      into.set(name, sub)
      if (text[i] === ',') {
        i++
        continue
      }
      if (closing && text[i] === closing) {
        i++
        return
      }
      if (i >= text.length && !closing) return
      throw new Error(`Invalid field selection ${text}`)
    }
  }
  if (text.trim() === '*') return new Map([['*', null]])
  parseList(tree, null)
  return tree
}

/** The fields of `value` named by `tree` ("*" = all), nested lists and objects alike. */
export function project(value: unknown, tree: FieldTree | null): unknown {
  if (tree === null || tree.has('*')) return value
  if (Array.isArray(value)) return value.map((item) => project(item, tree))
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [name, sub] of tree) {
    const [head, ...path] = name.split('/')
    const v = (value as Record<string, unknown>)[head!]
    if (v === undefined) continue
    out[head!] = path.length > 0 ? project(v, new Map([[path.join('/'), sub]])) : project(v, sub)
  }
  return out
}
