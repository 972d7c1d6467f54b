import { describe, expect, it } from 'vitest'
import { chaosRun, describeRun, problemCount } from '../support/chaos-run.ts'

// kill -9 at random moments, faults at the emulator, backups added and rewritten meanwhile: the
// same harness `npm run chaos` runs at length. FTB_CHAOS_RUNS sets how many runs (default 5:
// since the retry gate's 0-4 s spread after a 5xx, a run takes about 80 s, and CI keeps within
// its 25 minutes; each CI run draws new seeds); FTB_CHAOS_SEED replays a printed seed (then runs
// use seed, seed+1, …).
const RUNS = Number(process.env.FTB_CHAOS_RUNS) || 5
const FIRST_SEED = Number(process.env.FTB_CHAOS_SEED) || Math.floor(Math.random() * 2 ** 31)

describe('kill -9 chaos: Dropbox with faults and a local folder, backups changing meanwhile', () => {
  it.each(Array.from({ length: RUNS }, (_, run) => ({ run: run + 1, seed: FIRST_SEED + run })))(
    'run $run (seed $seed): every final version once at each destination, nothing else',
    async ({ seed }) => {
      const result = await chaosRun({ seed })
      const report = `replay with FTB_CHAOS_SEED=${seed} FTB_CHAOS_RUNS=1\n${describeRun(result)}`
      expect(problemCount(result), report).toBe(0)
      // Otherwise the kills only ever hit an idle process and the run proves little.
      expect(result.killsMidUpload, report).toBeGreaterThanOrEqual(1)
    },
    // Some 30 s per run; a loaded two-core machine may take several times that.
    300_000,
  )
})
