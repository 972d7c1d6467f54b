/**
 * Drive's `q` search language, the part this app uses: clauses joined by `and`, each one of
 *   name = '…'  ·  mimeType = '…' / !=  ·  '<id>' in parents  ·  trashed = true|false
 *   appProperties has { key='…' and value='…' }
 * Strings are single-quoted with \' and \\ escapes. Anything else is an invalid query (400), as
 * Drive answers it, so a client that writes a query Drive would refuse fails here too.
 */
export type Clause =
  | { kind: 'name' | 'mimeType'; negate: boolean; value: string }
  | { kind: 'parent'; id: string }
  | { kind: 'trashed'; value: boolean }
  | { kind: 'appProperty'; key: string; value: string }

export class QueryError extends Error {}

const STRING = String.raw`'((?:[^'\\]|\\.)*)'`
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => Clause]> = [
  [
    new RegExp(String.raw`^(name|mimeType)\s*(=|!=)\s*${STRING}`),
    (m) => ({ kind: m[1] as 'name', negate: m[2] === '!=', value: unescape(m[3]!) }),
  ],
  [
    new RegExp(String.raw`^${STRING}\s+in\s+parents`),
    (m) => ({ kind: 'parent', id: unescape(m[1]!) }),
  ],
  [/^trashed\s*=\s*(true|false)/, (m) => ({ kind: 'trashed', value: m[1] === 'true' })],
  [
    new RegExp(
      String.raw`^appProperties\s+has\s*\{\s*key\s*=\s*${STRING}\s+and\s+value\s*=\s*${STRING}\s*\}`,
    ),
    (m) => ({ kind: 'appProperty', key: unescape(m[1]!), value: unescape(m[2]!) }),
  ],
]

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1')
}

export function parseQuery(q: string): Clause[] {
  const clauses: Clause[] = []
  let rest = q.trim()
  while (true) {
    const matched = PATTERNS.map(([re, make]) => {
      const m = re.exec(rest)
      return m && { clause: make(m), length: m[0].length }
    }).find(Boolean)
    if (!matched) throw new QueryError(`Invalid Value`)
    clauses.push(matched.clause)
    rest = rest.slice(matched.length).trim()
    if (rest === '') return clauses
    const and = /^and\s+/.exec(rest)
    if (!and) throw new QueryError('Invalid Value')
    rest = rest.slice(and[0].length)
  }
}

export interface Searchable {
  name: string
  mimeType: string
  parents: string[]
  trashed: boolean
  appProperties: Record<string, string>
}

export function matches(file: Searchable, clauses: readonly Clause[]): boolean {
  return clauses.every((c) => {
    switch (c.kind) {
      case 'name':
      case 'mimeType':
        return (file[c.kind] === c.value) !== c.negate
      case 'parent':
        return file.parents.includes(c.id)
      case 'trashed':
        return file.trashed === c.value
      case 'appProperty':
        return file.appProperties[c.key] === c.value
    }
  })
}
