import { CompanionService } from '../../src/main/companion/companion-service.ts'
import { createEngine, type EngineOptions } from '../../src/main/engine.ts'
import type { EventName } from '../../src/shared/ipc-contract.ts'

export interface CompanionFixtureOptions {
  builtIn?: EngineOptions['builtIn']
  chooseFolder?: () => Promise<string | null>
  copyText?: (text: string) => Promise<void>
  /** False leaves the queue and the watcher unstarted. */
  start?: boolean
}

/**
 * A real engine and companion service with no browser behind it: links that go nowhere, a
 * picker that chooses nothing unless told, every event recorded. `stop` it after the test.
 */
export async function startCompanion(
  env: NodeJS.ProcessEnv,
  options: CompanionFixtureOptions = {},
) {
  const engine = await createEngine({
    env: { FTB_SECRET_STORE: 'file', ...env },
    builtIn: options.builtIn,
  })
  const service = new CompanionService({
    engine,
    env: {},
    defaultRedirect: 'loopback',
    links: {
      openBrowser: async () => undefined,
      openExternal: async () => undefined,
      allowLoginPage: () => () => undefined,
    },
    chooseFolder: options.chooseFolder ?? (async () => null),
    copyText: options.copyText ?? (async () => undefined),
  })
  const events: [EventName, unknown][] = []
  service.on('event', (name, payload) => events.push([name, payload]))
  if (options.start !== false) await service.start()
  return { service, events, engine }
}
