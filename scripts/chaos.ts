// npm run chaos -- [--runs N] [--seed S] [--kills K]: the kill -9 chaos run of
// test/support/chaos-run.ts, N times (seeds S, S+1, …), one line per run, then the summary line
// "runs=N lost=L duplicated=D corrupted=C". Exits 1 if any run found a problem.
import { parseArgs } from 'node:util'
import { chaosRun, describeRun, problemCount } from '../test/support/chaos-run.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    seed: { type: 'string', default: process.env.FTB_CHAOS_SEED },
    kills: { type: 'string' },
  },
})
const runs = Number(values.runs)
const firstSeed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31)
const kills = values.kills ? Number(values.kills) : undefined
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(firstSeed)) {
  process.stderr.write('Usage: npm run chaos -- [--runs N] [--seed S] [--kills K]\n')
  process.exit(2)
}

process.stdout.write(
  `Chaos: ${runs} run(s) from seed ${firstSeed}; replay one with --seed S --runs 1\n`,
)
const totals = { lost: 0, duplicated: 0, corrupted: 0, other: 0 }
for (let run = 0; run < runs; run++) {
  const result = await chaosRun({
    seed: firstSeed + run,
    kills,
    keep: process.env.FTB_CHAOS_KEEP ? 'always' : 'failed',
    trace: process.env.FTB_CHAOS_TRACE ? (line) => process.stdout.write(`${line}\n`) : undefined,
  })
  process.stdout.write(`run ${run + 1}/${runs} ${describeRun(result)}\n`)
  totals.lost += result.verdict.lost.length
  totals.duplicated += result.verdict.duplicated.length
  totals.corrupted += result.verdict.corrupted.length
  totals.other +=
    problemCount(result) -
    result.verdict.lost.length -
    result.verdict.duplicated.length -
    result.verdict.corrupted.length
}
if (totals.other > 0) {
  process.stdout.write(`(also ${totals.other} failed job(s), leftover(s) or error(s): see above)\n`)
}
process.stdout.write(
  `runs=${runs} lost=${totals.lost} duplicated=${totals.duplicated} corrupted=${totals.corrupted}\n`,
)
process.exitCode = totals.lost + totals.duplicated + totals.corrupted + totals.other > 0 ? 1 : 0
