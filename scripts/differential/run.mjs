// Differential testing of iamsim against @cloud-copilot/iam-simulate (issue 7, part 1).
//
// Dev-only. The peer is AGPL-3.0: it is installed here with `npm install` (node_modules is
// git-ignored), called through its public API, and never needed to build or test iamsim.
//
//   cd scripts/differential && npm install
//   node run.mjs --seed 1 --requests 100000 [--iamsim ../../target/release/iamsim] [--out DIR]
//
// From the seed it generates random valid worlds (identity, trust and bucket policies; wildcards
// in actions, resources and role ARNs; NotAction, NotResource, NotPrincipal; conditions of every
// family with and without the key present; same- and cross-account callers, users and role
// sessions), decides every request with `iamsim test --format json` (one world, many requests)
// and with the peer's runSimulation, groups disagreements into classes, shrinks a few per class
// to a minimal reproducer and writes each as a world folder under DIR/repro/.

import { runSimulation } from '@cloud-copilot/iam-simulate'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]])
    return acc
  }, [])
)
const SEED = Number(args.seed ?? 1)
const TOTAL = Number(args.requests ?? 100000)
const PER_WORLD = Number(args['per-world'] ?? 50)
const SHRINK_PER_CLASS = Number(args['shrink-per-class'] ?? 2)
const here = path.dirname(new URL(import.meta.url).pathname)
const IAMSIM = path.resolve(
  args.iamsim ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(here, '../../target'), 'release/iamsim')
)
const OUT = path.resolve(args.out ?? path.join(os.tmpdir(), `iamsim-differential-${SEED}`))

// ---- random numbers: mulberry32, so a seed reproduces the run --------------------------------

function rng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    some: (xs, max = 3) => {
      const n = 1 + Math.floor(next() * Math.min(max, xs.length))
      const copy = [...xs]
      const out = []
      for (let i = 0; i < n; i++) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0])
      return out
    }
  }
  return r
}

// ---- the model -------------------------------------------------------------------------------

const A = '111111111111'
const B = '222222222222'
const C = '333333333333' // outside the world

const ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'sts:AssumeRole']
const ACTION_PATTERNS = [
  's3:GetObject', 's3:PutObject', 's3:ListBucket', 'sts:AssumeRole', 's3:*', 's3:Get*',
  's3:*Object', 's3:?etObject', 'S3:getobject', 'sts:Assume*', '*', 'ec2:*'
]
const IDENTITY_RESOURCES = [
  '*', 'arn:aws:s3:::bkt', 'arn:aws:s3:::bkt/*', 'arn:aws:s3:::bkt/a*', 'arn:aws:s3:::b*',
  'arn:aws:s3:::bkt/home/${aws:username}/*', 'arn:aws:s3:::other/*', 'arn:aws:s3:::BKT/*',
  `arn:aws:iam::${A}:role/target`, `arn:aws:iam::${A}:role/t*`, 'arn:aws:iam::*:role/target',
  `arn:aws:iam::${B}:role/*`
]
const BUCKET_RESOURCES = ['arn:aws:s3:::bkt', 'arn:aws:s3:::bkt/*', 'arn:aws:s3:::bkt/a*', 'arn:aws:s3:::bkt/home/*']
const KEYS = ['a.txt', 'a/b.txt', 'home/alice/x', 'home/worker/y', 'z']

// Condition families: [operator, key, values]. Keys are given or derived for both engines.
const CONDITIONS = [
  ['StringEquals', 'aws:username', ['alice', 'Alice', 'bob']],
  ['StringNotEquals', 'aws:username', ['alice', 'bob']],
  ['StringLike', 'aws:username', ['al*', 'a?ice', '*']],
  ['StringNotLike', 'aws:PrincipalTag/team', ['r*', 'blue']],
  ['StringEqualsIgnoreCase', 'aws:PrincipalTag/team', ['RED', 'blue']],
  ['StringEqualsIfExists', 'aws:PrincipalTag/team', ['red']],
  ['StringEquals', 'aws:PrincipalAccount', [A, B]],
  ['NumericLessThan', 'aws:MultiFactorAuthAge', ['3600', '60']],
  ['NumericGreaterThanEquals', 'aws:MultiFactorAuthAge', ['300']],
  ['NumericLessThanIfExists', 'aws:MultiFactorAuthAge', ['3600']],
  ['DateGreaterThan', 'aws:CurrentTime', ['2024-06-01T00:00:00Z']],
  ['DateLessThan', 'aws:CurrentTime', ['2024-06-01T00:00:00Z', '2030-01-01T00:00:00Z']],
  ['Bool', 'aws:SecureTransport', ['true', 'false']],
  ['BoolIfExists', 'aws:MultiFactorAuthPresent', ['true']],
  ['Bool', 'aws:MultiFactorAuthPresent', ['false']],
  ['IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.0.2.0/24']],
  ['NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8']],
  ['ArnLike', 'aws:PrincipalArn', [`arn:aws:iam::${A}:user/alice`, 'arn:aws:iam::*:role/w*', `arn:aws:iam::${B}:*`]],
  ['ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::*:user/*']],
  ['ArnEquals', 'aws:PrincipalArn', [`arn:aws:iam::${A}:role/worker`]],
  ['Null', 'aws:MultiFactorAuthAge', ['true', 'false']],
  ['Null', 'aws:SourceIp', ['true', 'false']],
  ['ForAnyValue:StringEquals', 'aws:CalledVia', ['athena.amazonaws.com', 'cloudformation.amazonaws.com']],
  ['ForAllValues:StringLike', 'aws:CalledVia', ['athena.*']]
]

function genCondition(r) {
  const out = {}
  const n = 1 + (r.chance(0.25) ? 1 : 0)
  for (let i = 0; i < n; i++) {
    const [op, key, values] = r.pick(CONDITIONS)
    if (out[op]?.[key]) continue
    let vs = r.some(values, 2)
    if (op === 'Null') vs = [vs[0]]
    out[op] = { ...(out[op] ?? {}), [key]: vs }
  }
  return out
}

/// Principal values a bucket or trust policy may name; only principals the world has (iamsim
/// refuses a policy naming a missing user or role of a modelled account, 2.16).
function principalValues(w) {
  const p = w.callerAccount
  return [
    A, B, C, `arn:aws:iam::${A}:root`, `arn:aws:iam::${B}:root`, `arn:aws:iam::${C}:root`,
    `arn:aws:iam::${p}:user/alice`, `arn:aws:iam::${p}:role/worker`,
    `arn:aws:sts::${p}:assumed-role/worker/iamsim`
  ]
}

function genStatement(r, w, kind) {
  const s = { Effect: r.chance(0.65) ? 'Allow' : 'Deny' }
  if (kind === 'trust') {
    s.Action = r.some(['sts:AssumeRole', 'sts:*', '*'], 2)
  } else {
    const pool = kind === 'bucket' ? ACTION_PATTERNS.filter((a) => !a.startsWith('sts') && a !== 'ec2:*') : ACTION_PATTERNS
    s[r.chance(0.2) ? 'NotAction' : 'Action'] = r.some(pool)
    const rpool = kind === 'bucket' ? BUCKET_RESOURCES : IDENTITY_RESOURCES
    s[r.chance(0.2) ? 'NotResource' : 'Resource'] = r.some(rpool)
  }
  if (kind !== 'identity') {
    if (r.chance(0.15)) s.Principal = '*'
    else if (r.chance(0.1)) s.Principal = { AWS: '*' }
    else {
      const v = r.some(principalValues(w))
      const p = w.callerAccount
      // NotPrincipal is only useful with a full exclusion list (2.17): account, role, session.
      const full = w.callerKind === 'user'
        ? [`arn:aws:iam::${p}:root`, `arn:aws:iam::${p}:user/alice`]
        : [`arn:aws:iam::${p}:root`, `arn:aws:iam::${p}:role/worker`, `arn:aws:sts::${p}:assumed-role/worker/iamsim`]
      if (kind === 'bucket' && s.Effect === 'Deny' && r.chance(0.25)) s.NotPrincipal = { AWS: r.chance(0.5) ? full : v }
      else s.Principal = { AWS: v }
    }
  }
  if (r.chance(0.45)) s.Condition = genCondition(r)
  return s
}

function genPolicy(r, w, kind) {
  const n = 1 + r.int(3)
  return { Version: '2012-10-17', Statement: Array.from({ length: n }, () => genStatement(r, w, kind)) }
}

function genWorld(r) {
  const w = {
    callerAccount: r.chance(0.6) ? A : B,
    callerKind: r.chance(0.6) ? 'user' : 'role',
    team: r.pick([null, 'red', 'blue'])
  }
  w.identity = Array.from({ length: r.int(3) + (r.chance(0.8) ? 1 : 0) }, () => genPolicy(r, w, 'identity'))
  w.bucketPolicy = r.chance(0.75) ? genPolicy(r, w, 'bucket') : null
  w.trust = genPolicy(r, w, 'trust')
  return w
}

function genRequest(r, w) {
  const action = r.pick(ACTIONS)
  let resource
  if (action === 'sts:AssumeRole') resource = `arn:aws:iam::${A}:role/target`
  else if (action === 's3:ListBucket') resource = 'arn:aws:s3:::bkt'
  else resource = `arn:aws:s3:::bkt/${r.pick(KEYS)}`
  const ctx = {}
  if (r.chance(0.5)) ctx['aws:SourceIp'] = r.pick(['10.1.2.3', '198.51.100.7'])
  if (r.chance(0.5)) ctx['aws:SecureTransport'] = r.pick(['true', 'false'])
  if (r.chance(0.5)) ctx['aws:CurrentTime'] = r.pick(['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z'])
  // A role session always carries MultiFactorAuthPresent in iamsim (6.14); give it to both.
  if (w.callerKind === 'role' || r.chance(0.5)) ctx['aws:MultiFactorAuthPresent'] = r.pick(['true', 'false'])
  if (r.chance(0.4)) ctx['aws:MultiFactorAuthAge'] = r.pick(['30', '7200'])
  if (r.chance(0.3)) ctx['aws:CalledVia'] = r.some(['athena.amazonaws.com', 'cloudformation.amazonaws.com'], 2)
  return { action, resource, ctx }
}

// ---- the two engines -------------------------------------------------------------------------

function callerArn(w) {
  return w.callerKind === 'user'
    ? `arn:aws:iam::${w.callerAccount}:user/alice`
    : `arn:aws:sts::${w.callerAccount}:assumed-role/worker/iamsim`
}

function worldJson(w) {
  const tags = w.team ? { team: w.team } : {}
  const caller = { policies: w.identity, tags }
  // Both alice and worker exist in the caller's account (policies may name either); only the
  // caller has policies and tags.
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${w.callerAccount}:root` }, Action: 'sts:AssumeRole' }] }
  const callerAcc = w.callerKind === 'user'
    ? { users: { alice: caller }, roles: { worker: { trust } } }
    : { users: { alice: {} }, roles: { worker: { ...caller, trust } } }
  const accounts = { [A]: {}, [B]: {} }
  Object.assign(accounts[w.callerAccount], callerAcc)
  accounts[A].roles = { ...(accounts[A].roles ?? {}), target: { trust: w.trust } }
  accounts[A].buckets = { bkt: { block_public_access: false, ...(w.bucketPolicy ? { policy: w.bucketPolicy } : {}) } }
  return { accounts }
}

function iamsimContext(ctx) {
  const out = {}
  for (const [k, v] of Object.entries(ctx)) {
    if (k === 'aws:SecureTransport' || k === 'aws:MultiFactorAuthPresent') out[k] = v === 'true'
    else if (k === 'aws:MultiFactorAuthAge') out[k] = Number(v)
    else out[k] = v
  }
  return out
}

/// Decides `reqs` in world `w` with iamsim: one world folder, one tests file.
function runIamsim(w, reqs, dir) {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'world.json'), JSON.stringify(worldJson(w), null, 1))
  const tests = reqs.map((q, i) => ({
    name: `t${i}`, principal: callerArn(w), action: q.action, resource: q.resource,
    context: iamsimContext(q.ctx), expect: 'allow'
  }))
  fs.writeFileSync(path.join(dir, 'tests.json'), JSON.stringify({ tests }, null, 1))
  let out
  try {
    out = execFileSync(IAMSIM, ['test', '--format', 'json', dir], {
      encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe']
    })
  } catch (e) {
    if (e.status === 1) out = e.stdout
    else return reqs.map(() => `error: ${(e.stderr || e.stdout || '').split('\n')[0]}`)
  }
  const doc = JSON.parse(out)
  return doc.tests.map((t) => t.decision ?? `error: ${t.failure}`)
}

/// The context the peer needs: iamsim derives these from the caller (3.21); the peer does not.
function peerContext(w, ctx) {
  const out = { ...ctx }
  out['aws:PrincipalAccount'] = w.callerAccount
  if (w.callerKind === 'user') {
    out['aws:username'] = 'alice'
    out['aws:PrincipalArn'] = `arn:aws:iam::${w.callerAccount}:user/alice`
  } else {
    out['aws:PrincipalArn'] = `arn:aws:iam::${w.callerAccount}:role/worker`
  }
  if (w.team) out['aws:PrincipalTag/team'] = w.team
  return out
}

const PEER = { Allowed: 'allow', ExplicitlyDenied: 'explicit-deny', ImplicitlyDenied: 'implicit-deny' }

async function runPeer(w, q) {
  const resourcePolicy = q.action === 'sts:AssumeRole' ? w.trust : (w.bucketPolicy ?? undefined)
  const sim = {
    identityPolicies: w.identity.map((policy, i) => ({ name: `p${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    request: {
      principal: callerArn(w),
      action: q.action,
      resource: { resource: q.resource, accountId: A },
      contextVariables: peerContext(w, q.ctx)
    }
  }
  try {
    const res = await runSimulation(sim, {})
    if (res.resultType === 'error') return `error: ${JSON.stringify(res.errors).slice(0, 120)}`
    return PEER[res.overallResult] ?? `error: ${res.overallResult}`
  } catch (e) {
    return `error: ${String(e).slice(0, 120)}`
  }
}

// ---- comparing -------------------------------------------------------------------------------

/// Disagreement class, or null when the two agree. An indeterminate iamsim answer is a denial:
/// it agrees with either peer denial.
function classify(mine, peer) {
  if (mine.startsWith('error') || peer.startsWith('error')) return null
  if (mine === peer) return null
  if (mine === 'indeterminate' && peer !== 'allow') return null
  return `iamsim ${mine} / peer ${peer}`
}

function features(w, q) {
  const f = [q.action, w.callerKind, w.callerAccount === A ? 'same-account' : 'cross-account']
  return f.join(', ')
}

// ---- shrinking -------------------------------------------------------------------------------

/// Every smaller world/request one step away: a policy, a statement, a list value, a condition
/// operator or key, or a context key dropped.
function* smaller(w, q) {
  const clone = () => [structuredClone(w), structuredClone(q)]
  const policies = () => [
    ...w.identity.map((_, i) => (x) => x.identity[i]),
    ...(w.bucketPolicy ? [(x) => x.bucketPolicy] : []),
    (x) => x.trust
  ]
  for (let i = 0; i < w.identity.length; i++) {
    const [w2, q2] = clone()
    w2.identity.splice(i, 1)
    yield [w2, q2]
  }
  if (w.bucketPolicy) {
    const [w2, q2] = clone()
    w2.bucketPolicy = null
    yield [w2, q2]
  }
  for (const get of policies()) {
    const stmts = get(w).Statement
    for (let i = 0; i < stmts.length; i++) {
      if (stmts.length > 1) {
        const [w2, q2] = clone()
        get(w2).Statement.splice(i, 1)
        yield [w2, q2]
      }
      const s = stmts[i]
      for (const el of ['Action', 'NotAction', 'Resource', 'NotResource']) {
        const v = s[el]
        if (Array.isArray(v) && v.length > 1) {
          for (let j = 0; j < v.length; j++) {
            const [w2, q2] = clone()
            get(w2).Statement[i][el].splice(j, 1)
            yield [w2, q2]
          }
        }
      }
      for (const el of ['Principal', 'NotPrincipal']) {
        const v = s[el]?.AWS
        if (Array.isArray(v) && v.length > 1) {
          for (let j = 0; j < v.length; j++) {
            const [w2, q2] = clone()
            get(w2).Statement[i][el].AWS.splice(j, 1)
            yield [w2, q2]
          }
        }
      }
      if (s.Condition) {
        const [w2, q2] = clone()
        delete get(w2).Statement[i].Condition
        yield [w2, q2]
        for (const op of Object.keys(s.Condition)) {
          for (const key of Object.keys(s.Condition[op])) {
            const vs = s.Condition[op][key]
            for (let j = 0; vs.length > 1 && j < vs.length; j++) {
              const [w3, q3] = clone()
              get(w3).Statement[i].Condition[op][key].splice(j, 1)
              yield [w3, q3]
            }
          }
          if (Object.keys(s.Condition).length > 1) {
            const [w3, q3] = clone()
            delete get(w3).Statement[i].Condition[op]
            yield [w3, q3]
          }
        }
      }
    }
  }
  for (const k of Object.keys(q.ctx)) {
    const [w2, q2] = clone()
    delete q2.ctx[k]
    yield [w2, q2]
  }
  if (w.team) {
    const [w2, q2] = clone()
    w2.team = null
    yield [w2, q2]
  }
}

async function shrink(w, q, cls, scratch) {
  let steps = 0
  let changed = true
  while (changed) {
    changed = false
    for (const [w2, q2] of smaller(w, q)) {
      steps++
      const mine = runIamsim(w2, [q2], scratch)[0]
      const peer = await runPeer(w2, q2)
      if (classify(mine, peer) === cls) {
        w = w2
        q = q2
        changed = true
        break
      }
    }
  }
  return { w, q, steps }
}

/// What a shrunk reproducer still uses: the elements, operators and context keys left in it.
function signature(w) {
  const used = new Set()
  const policies = [...w.identity.map((p) => ['identity', p]), ['trust', w.trust]]
  if (w.bucketPolicy) policies.push(['bucket', w.bucketPolicy])
  for (const [kind, p] of policies) {
    for (const st of p.Statement) {
      if (kind === 'trust' && st.Effect === 'Allow' && !st.Condition) continue
      for (const el of ['NotAction', 'NotResource', 'NotPrincipal']) if (st[el]) used.add(`${kind} ${st.Effect} ${el}`)
      if (st.Principal === '*' || st.Principal?.AWS === '*') used.add(`${kind} ${st.Effect} Principal *`)
      for (const op of Object.keys(st.Condition ?? {})) for (const k of Object.keys(st.Condition[op])) used.add(`${op} ${k}`)
      if (!used.size) used.add(`${kind} ${st.Effect}`)
    }
  }
  return [...used].sort().join('; ')
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(IAMSIM)) {
    console.error(`no iamsim binary at ${IAMSIM}: cargo build --release, or pass --iamsim PATH`)
    process.exit(2)
  }
  fs.rmSync(OUT, { recursive: true, force: true })
  fs.mkdirSync(path.join(OUT, 'repro'), { recursive: true })
  const scratch = path.join(OUT, 'scratch')
  const r = rng(SEED)
  const counts = { compared: 0, agreed: 0, iamsimAllow: 0, peerAllow: 0, skippedPeerError: 0, skippedIamsimError: 0, indeterminate: 0 }
  const classes = new Map()
  const t0 = Date.now()
  let worlds = 0
  while (counts.compared + counts.skippedPeerError + counts.skippedIamsimError < TOTAL) {
    const w = genWorld(r)
    const reqs = Array.from({ length: PER_WORLD }, () => genRequest(r, w))
    const mine = runIamsim(w, reqs, scratch)
    worlds++
    for (let i = 0; i < reqs.length; i++) {
      const peer = await runPeer(w, reqs[i])
      if (mine[i].startsWith('error')) { counts.skippedIamsimError++; continue }
      if (peer.startsWith('error')) { counts.skippedPeerError++; continue }
      counts.compared++
      if (mine[i] === 'indeterminate') counts.indeterminate++
      if (mine[i] === 'allow') counts.iamsimAllow++
      if (peer === 'allow') counts.peerAllow++
      const cls = classify(mine[i], peer)
      if (!cls) { counts.agreed++; continue }
      const key = `${cls} (${features(w, reqs[i])})`
      if (!classes.has(key)) classes.set(key, { count: 0, examples: [] })
      const c = classes.get(key)
      c.count++
      if (c.examples.length < SHRINK_PER_CLASS) c.examples.push({ w: structuredClone(w), q: structuredClone(reqs[i]), cls })
    }
    if (worlds % 200 === 0) {
      process.stderr.write(`${counts.compared} compared, ${counts.compared - counts.agreed} disagreements, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`)
    }
  }
  // Shrink the examples and write each as a world folder with a tests.json.
  const report = []
  let n = 0
  for (const [key, c] of [...classes.entries()].sort((a, b) => b[1].count - a[1].count)) {
    const repros = []
    for (const ex of c.examples) {
      const { w, q, steps } = await shrink(ex.w, ex.q, ex.cls, scratch)
      const dir = path.join(OUT, 'repro', String(n++).padStart(3, '0'))
      runIamsim(w, [q], dir)
      fs.writeFileSync(path.join(dir, 'peer.txt'), `${await runPeer(w, q)}\n`)
      repros.push({ dir, steps, signature: signature(w), world: worldJson(w), request: { principal: callerArn(w), ...q } })
    }
    report.push({ class: key, count: c.count, repros })
  }
  const summary = {
    seed: SEED, worlds, requests_per_world: PER_WORLD, ...counts,
    disagreements: counts.compared - counts.agreed, seconds: (Date.now() - t0) / 1000,
    classes: report.map((c) => ({ class: c.class, count: c.count, repros: c.repros.map((x) => `${x.dir}: ${x.signature}`) }))
  }
  fs.writeFileSync(path.join(OUT, 'report.json'), JSON.stringify({ summary, report }, null, 1))
  fs.rmSync(scratch, { recursive: true, force: true })
  console.log(JSON.stringify(summary, null, 1))
}

main().catch((e) => {
  console.error(e)
  process.exit(2)
})
