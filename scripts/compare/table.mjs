// Joins DIR/rust.json (iamsim and Cedar) and DIR/node.json (iam-simulate) into one table with
// the ratios, as BENCHMARKS.md records it.
//
//   node table.mjs DIR

import fs from 'node:fs'
import path from 'node:path'

const dir = process.argv[2]
const rust = JSON.parse(fs.readFileSync(path.join(dir, 'rust.json'), 'utf8'))
const node = fs.existsSync(path.join(dir, 'node.json'))
  ? JSON.parse(fs.readFileSync(path.join(dir, 'node.json'), 'utf8'))
  : []
const peer = Object.fromEntries(node.map((r) => [r.case, r.iam_simulate_ns]))

const fmt = (ns) =>
  ns === undefined ? '—'
    : ns >= 1e6 ? `${(ns / 1e6).toFixed(ns >= 1e7 ? 0 : 1)} ms`
    : ns >= 1e3 ? `${(ns / 1e3).toFixed(ns >= 1e4 ? 0 : 2)} µs`
    : `${ns.toFixed(0)} ns`
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : `${Math.round(a / b).toLocaleString('en')}×`)

console.log('| Case | iamsim (`decide`) | Cedar `is_authorized` | iam-simulate `runSimulation` | Cedar / iamsim | iam-simulate / iamsim |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of rust) {
  const p = peer[r.case]
  const calls = r.cedar_calls > 1 ? ` (${r.cedar_calls} calls)` : ''
  console.log(
    `| ${r.case} | ${fmt(r.iamsim_ns)} | ${fmt(r.cedar_ns)}${calls} | ${fmt(p)} | ${ratio(r.cedar_ns, r.iamsim_ns)} | ${ratio(p, r.iamsim_ns)} |`
  )
}
