import { describe, expect, it } from 'vitest'
import * as contract from '../../src/shared/ipc-contract.ts'
import { COMMAND_NAMES, EVENT_NAMES, IPC_PREFIX } from '../../src/shared/ipc-names.ts'

describe('ipc-names', () => {
  it('lists exactly the contract commands and events, with its channel prefix', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(Object.keys(contract.commands).sort())
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(contract.events).sort())
    expect(IPC_PREFIX).toBe(contract.IPC_PREFIX)
  })

  it('has no duplicates', () => {
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length)
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length)
  })
})
