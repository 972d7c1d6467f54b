// A share of figure 8's simulated installs, in a process of their own: separate machines do not
// share an event loop, so one stalled process must not hold back (and then release at once)
// every install's requests.
import { serveParent } from './ipc-child.ts'
import { simulatedInstall, type QueuedBackup, type SimulatedInstall } from './simulated-install.ts'

export interface InstallPlan {
  name: string
  home: string
  sizes: number[]
  /** When it comes online, from `start`. */
  startAfterMs: number
}

export type WorkerCommand =
  | { op: 'setup'; emulator: { url: string; authorizeUrl: string }; plans: InstallPlan[] }
  | { op: 'start' }
  | { op: 'jobs' }
  | { op: 'stop' }

/** Each job of each install, as its store has it now. */
export interface JobSummary {
  state: string
  finishedAt: number | null
}

const installs: Array<{ install: SimulatedInstall; plan: InstallPlan }> = []

serveParent<WorkerCommand>(null, async (command) => {
  switch (command.op) {
    case 'setup': {
      for (const plan of command.plans) {
        const install = await simulatedInstall(command.emulator, plan.home, plan.name, plan.sizes)
        installs.push({ install, plan })
      }
      return installs.flatMap(({ install }) => install.backups) satisfies QueuedBackup[]
    }
    case 'start':
      for (const { install, plan } of installs) setTimeout(() => install.start(), plan.startAfterMs)
      return null
    case 'jobs':
      return installs.flatMap(({ install }) =>
        install.jobs().map((job): JobSummary => ({ state: job.state, finishedAt: job.finishedAt })),
      )
    case 'stop':
      await Promise.all(installs.map(({ install }) => install.stop()))
      setImmediate(() => process.exit(0))
      return null
  }
})
