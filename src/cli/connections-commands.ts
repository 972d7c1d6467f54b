import { isAppError } from '../shared/app-error.ts'
import type { Connection } from '../shared/settings-schema.ts'
import type { Engine } from '../main/engine.ts'
import { connectionJson, connectionLine, printJson } from './output.ts'

/** Lists connections, reading each account's name and space use afresh where it can. */
export async function connectionsCommand(engine: Engine, json: boolean): Promise<void> {
  const shown: Connection[] = []
  const problems: string[] = []
  for (const connection of engine.connections.list()) {
    try {
      shown.push(
        connection.status === 'connected'
          ? await engine.connections.refresh(connection.id)
          : connection,
      )
    } catch (error) {
      if (!isAppError(error)) throw error
      problems.push(`${connection.id}: ${error.message}`)
      shown.push(engine.connections.get(connection.id))
    }
  }
  if (json) {
    // config is what the provider keeps beside the secrets (a server URL, a bucket): never one.
    printJson(
      shown.map((c) => ({
        ...connectionJson(c),
        config: c.config,
        created: c.created,
        space: c.space,
      })),
    )
  } else if (shown.length === 0) {
    process.stdout.write(
      'No connections yet. Run `fermentrack-backup providers` to see the providers, then `fermentrack-backup connect <provider>`.\n',
    )
  } else {
    for (const connection of shown) process.stdout.write(connectionLine(connection) + '\n')
  }
  for (const problem of problems) process.stderr.write(problem + '\n')
}

export async function disconnectCommand(engine: Engine, id: string): Promise<void> {
  const { warning } = await engine.disconnect(id)
  if (!warning) {
    process.stdout.write(`Disconnected ${id}; its access is revoked.\n`)
    return
  }
  process.stdout.write(`Disconnected ${id} on this computer.\n`)
  process.stderr.write(`Warning: ${warning.message}\n`)
}
