import { fork } from 'node:child_process'
import { withTimeout, type Teardown } from './teardown.ts'

const ANSWER_MS = 120_000

/** A bench helper process, asked questions over IPC; the teardown ends it. */
export interface IpcChild<Command extends { op: string }> {
  ask<T>(command: Command): Promise<T>
  /** The first message the child sends on its own (what it started as). */
  ready: Promise<unknown>
}

/** Forks `script` (a .ts file run by Node itself); each answer carries its question's id. */
export function forkChild<Command extends { op: string }>(
  script: string,
  args: string[],
  teardown: Teardown,
): IpcChild<Command> {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, (result: unknown) => void>()
  child.on('message', (message: { id: number; result: unknown }) => {
    waiting.get(message.id)?.(message.result)
    waiting.delete(message.id)
  })
  teardown.add(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })
  const answer = (id: number, what: string) =>
    withTimeout(
      new Promise((done) => waiting.set(id, done)),
      ANSWER_MS,
      `the ${script.slice(script.lastIndexOf('/') + 1)} process (${what})`,
    )
  let next = 1
  return {
    ready: answer(0, 'start'),
    ask<T>(command: Command) {
      const id = next++
      const answered = answer(id, command.op) as Promise<T>
      child.send({ ...command, id })
      return answered
    },
  }
}

/** The child's side: announces `ready`, then answers each command with what `handle` returns. */
export function serveParent<Command extends { op: string }>(
  ready: unknown,
  handle: (command: Command) => Promise<unknown>,
): void {
  process.send!({ id: 0, result: ready })
  process.on('message', (command: Command & { id: number }) => {
    void handle(command).then((result) => process.send!({ id: command.id, result: result ?? null }))
  })
}
