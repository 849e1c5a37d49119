// Times @cloud-copilot/iam-simulate's runSimulation on the cases benches/cedar-compare wrote
// (scripts/compare/run.sh): each case is one or more simulations (a role chain is one per hop),
// all of which must allow. Prints the median time per case and writes DIR/node.json.
//
//   node simulate.mjs DIR [SECONDS_PER_CASE]
//
// Dev-only: the package is AGPL-3.0, installed here with `npm install` (node_modules is
// git-ignored) and never needed to build or test iamsim.

import { runSimulation } from '@cloud-copilot/iam-simulate'
import fs from 'node:fs'
import path from 'node:path'

const dir = process.argv[2]
const budgetMs = 1000 * Number(process.argv[3] ?? 3)
const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'))

async function decide(sims) {
  for (const sim of sims) {
    const res = await runSimulation(sim, {})
    if (res.resultType === 'error') throw new Error(JSON.stringify(res.errors).slice(0, 300))
    if (res.overallResult !== 'Allowed') return res.overallResult
  }
  return 'Allowed'
}

/// Median time of one decision in nanoseconds: batches timed for about the budget in all.
async function time(sims) {
  let batch = 1
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < batch; i++) await decide(sims)
    if ((performance.now() - t) * 100 >= budgetMs || batch >= 1 << 20) break
    batch *= 2
  }
  const samples = []
  const start = performance.now()
  while (performance.now() - start < budgetMs || samples.length < 3) {
    const t = performance.now()
    for (let i = 0; i < batch; i++) await decide(sims)
    samples.push(((performance.now() - t) * 1e6) / batch)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]
}

const results = []
for (const c of cases) {
  const answer = await decide(c.simulations)
  if (answer !== 'Allowed') throw new Error(`${c.case}: iam-simulate says ${answer}`)
  const ns = await time(c.simulations)
  console.log(`${c.case.padEnd(48)} ${ns.toFixed(0).padStart(14)} ns`)
  results.push({ case: c.case, iam_simulate_ns: ns, simulations: c.simulations.length })
}
fs.writeFileSync(path.join(dir, 'node.json'), JSON.stringify(results, null, 1))
