import { AppError } from '../shared/app-error.ts'
import type { ConnectField } from '../main/providers/provider.ts'
import { providerById, providerIds } from '../main/providers/registry.ts'

/** The flag a connect field is given as: secrets only ever come from stdin, never argv. */
export function flagOf(field: ConnectField): string {
  return field.kind === 'secret' ? `${field.name}-stdin` : field.name
}

/** Every provider's connect fields as parseArgs options, so `connect <id> --url …` parses. */
export function connectFlagOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {}
  for (const id of providerIds()) {
    for (const field of providerById(id)?.connectFields ?? []) {
      const boolean = field.kind === 'flag' || field.kind === 'secret'
      options[flagOf(field)] = { type: boolean ? 'boolean' : 'string' }
    }
  }
  return options
}

/**
 * The fields for `provider` from the parsed flags, secrets read from stdin (one per line, in
 * field order). A missing required field is a usage error that names the flag.
 */
export async function connectFieldValues(
  providerId: string,
  values: Record<string, unknown>,
  readLine: () => Promise<string | undefined>,
): Promise<Record<string, string | boolean>> {
  const fields: Record<string, string | boolean> = {}
  for (const field of providerById(providerId)?.connectFields ?? []) {
    const given = values[flagOf(field)]
    if (field.kind === 'secret') {
      if (given) {
        const line = await readLine()
        if (!line) throw new AppError('usage', `--${flagOf(field)} was given but stdin was empty.`)
        fields[field.name] = line
      }
    } else if (given !== undefined) fields[field.name] = given as string | boolean
    if (field.required && fields[field.name] === undefined)
      throw new AppError(
        'usage',
        `connect ${providerId} needs --${flagOf(field)}${field.kind === 'secret' ? ' (the value on stdin)' : ' VALUE'}.`,
      )
  }
  return fields
}
