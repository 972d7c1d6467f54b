/**
 * Strict reading of Stone-typed JSON arguments. Unknown fields are rejected (a typo such as
 * `autoRename` must not be silently ignored), nullable fields accept null, fields with a default
 * do not, and every failure is a 400 naming the field.
 */
export class ArgError extends Error {
  override name = 'ArgError'
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'list'
  return typeof value === 'object' ? 'object' : JSON.stringify(value)
}

interface StringRule {
  required?: boolean
  nullable?: boolean
  pattern?: RegExp
  minLength?: number
  maxLength?: number
}

interface UIntRule {
  required?: boolean
  nullable?: boolean
  min?: number
  max?: number
}

export class Fields {
  readonly record: Record<string, unknown>
  readonly at: string

  constructor(value: unknown, allowed: readonly string[], at = '') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ArgError(`${at ? `${at}: ` : ''}expected object, got ${describe(value)}`)
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) throw new ArgError(`unknown field '${this.join(at, key)}'`)
    }
    this.record = value as Record<string, unknown>
    this.at = at
  }

  path(key: string): string {
    return this.join(this.at, key)
  }

  raw(key: string): unknown {
    return this.record[key]
  }

  /** Missing, or null where the field is nullable; null elsewhere is a type error. */
  private absent(
    key: string,
    nullable: boolean | undefined,
    required: boolean | undefined,
  ): boolean {
    const value = this.record[key]
    if (value === undefined || (value === null && nullable)) {
      if (required) throw new ArgError(`missing required field '${this.path(key)}'`)
      return true
    }
    return false
  }

  str(key: string, rule: StringRule = {}): string | undefined {
    if (this.absent(key, rule.nullable, rule.required)) return undefined
    const value = this.record[key]
    if (typeof value !== 'string')
      throw new ArgError(`${this.path(key)}: expected string, got ${describe(value)}`)
    if (LONE_SURROGATE.test(value))
      throw new ArgError(`${this.path(key)}: invalid UTF-16 (lone surrogate)`)
    if (rule.minLength !== undefined && value.length < rule.minLength) {
      throw new ArgError(
        `${this.path(key)}: '${value}' has fewer than ${rule.minLength} characters`,
      )
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      throw new ArgError(`${this.path(key)}: '${value}' has more than ${rule.maxLength} characters`)
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      throw new ArgError(
        `${this.path(key)}: '${value}' did not match pattern '${rule.pattern.source}'`,
      )
    }
    return value
  }

  /** A required nested struct. */
  struct(key: string, allowed: readonly string[]): Fields {
    this.absent(key, false, true)
    return new Fields(this.record[key], allowed, this.path(key))
  }

  bool(key: string): boolean | undefined {
    if (this.absent(key, false, false)) return undefined
    const value = this.record[key]
    if (typeof value !== 'boolean')
      throw new ArgError(`${this.path(key)}: expected boolean, got ${describe(value)}`)
    return value
  }

  uint(key: string, rule: UIntRule = {}): number | undefined {
    if (this.absent(key, rule.nullable, rule.required)) return undefined
    const value = this.record[key]
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new ArgError(`${this.path(key)}: expected unsigned integer, got ${describe(value)}`)
    }
    if (rule.min !== undefined && value < rule.min)
      throw new ArgError(`${this.path(key)}: ${value} is less than ${rule.min}`)
    if (rule.max !== undefined && value > rule.max)
      throw new ArgError(`${this.path(key)}: ${value} is greater than ${rule.max}`)
    return value
  }

  private join(at: string, key: string): string {
    return at ? `${at}.${key}` : key
  }
}

/**
 * A union whose members are all Void: "tag" or {".tag": "tag"} (HTTP docs: the string shorthand
 * is allowed for Void members only).
 */
export function voidUnion<T extends string>(value: unknown, members: readonly T[], at: string): T {
  const tag =
    typeof value === 'string'
      ? value
      : new Fields(value, ['.tag'], at).str('.tag', { required: true })
  if (!members.includes(tag as T)) throw new ArgError(`${at}: unknown tag '${tag}'`)
  return tag as T
}
