// CPU time of @cloud-copilot/iam-simulate on the cases simulate.mjs reads (DIR/cases.json): each
// case decided COUNT times in a row (after a warm-up of COUNT / 10), with the process's user and
// system time (process.cpuUsage) and the wall time of the loop. For comparisons on a busy machine,
// where CPU time is steadier than wall time. Prints one JSON line per case.
//
//   node simulate-cpu.mjs DIR [COUNT]
//
// Dev-only, like simulate.mjs.

import { runSimulation } from '@cloud-copilot/iam-simulate'
import fs from 'node:fs'
import path from 'node:path'

const dir = process.argv[2]
const count = Number(process.argv[3] ?? 2000)
const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8'))

async function decide(sims) {
  for (const sim of sims) {
    const res = await runSimulation(sim, {})
    if (res.overallResult !== 'Allowed') throw new Error(`iam-simulate says ${res.overallResult}`)
  }
}

for (const c of cases) {
  for (let i = 0; i < Math.ceil(count / 10); i++) await decide(c.simulations)
  const cpu = process.cpuUsage()
  const t = performance.now()
  for (let i = 0; i < count; i++) await decide(c.simulations)
  const wallMs = performance.now() - t
  const used = process.cpuUsage(cpu)
  const cpuUs = (used.user + used.system) / count
  console.log(JSON.stringify({ case: c.case, count, cpu_us: cpuUs, wall_us: (wallMs * 1000) / count }))
}
