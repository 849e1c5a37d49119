// Runs iamsim against iam-simulate's own test cases and reports the agreement (issue 7).
//
// The cases are AGPL-3.0 and are read at run time from a checkout outside this project
// (default ../../../shared/peer-cases/iam-simulate-upstream); nothing of them is copied here.
// Each case that maps onto iamsim's world format (docs/world-format.md) is
// written to a temp world folder and decided with `iamsim test --format json`; the rest are
// counted as skipped, with the reason.
//
//   node peer-cases.mjs [--cases DIR] [--iamsim PATH] [--show N]

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
const here = path.dirname(new URL(import.meta.url).pathname)
// shared/ sits beside the repository (or beside the folder of worktrees).
const CASES = path.resolve(
  args.cases ??
    ['../../../shared', '../../../../shared']
      .map((s) => path.join(here, s, 'peer-cases/iam-simulate-upstream'))
      .find((p) => fs.existsSync(p)) ??
    path.join(here, '../../../shared/peer-cases/iam-simulate-upstream')
)
const IAMSIM = path.resolve(
  args.iamsim ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(here, '../../target'), 'release/iamsim')
)
const SHOW = Number(args.show ?? 1000)

class Skip extends Error {}
const skip = (why) => {
  throw new Skip(why)
}

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? files(p) : p.endsWith('.json') ? [p] : []
  })
}

const isAccount = (s) => /^\d{12}$/.test(s)

/// The case in one shape: { principal, action, resource, accountId, context, identity, resource
/// policy, boundaries, scps, rcps, session policy, expected }.
function normalise(c) {
  if (c.simulation) {
    const s = c.simulation
    if (c.simulationOptions && Object.keys(c.simulationOptions).length) skip('simulation options (discovery modes)')
    return {
      principal: s.request.principal, action: s.request.action,
      resource: s.request.resource.resource, accountId: s.request.resource.accountId,
      context: s.request.contextVariables ?? {},
      identity: (s.identityPolicies ?? []).map((p) => p.policy ?? p),
      resourcePolicy: s.resourcePolicy ?? null,
      boundaries: (s.permissionBoundaryPolicies ?? []).map((p) => p.policy ?? p),
      scps: s.serviceControlPolicies ?? [], rcps: s.resourceControlPolicies ?? [],
      sessionPolicy: s.sessionPolicy ?? null, endpoints: s.vpcEndpointPolicies ?? [],
      expected: c.expected.overallResult, resultType: c.expected.resultType
    }
  }
  if (c.request.wildcardOnlyAction !== undefined) skip('wildcard-only action flag of the peer')
  if (c.simulationOptions && Object.keys(c.simulationOptions).length) skip('simulation options (discovery modes)')
  if (c.resourcePolicies) skip('several resource policies')
  return {
    principal: c.request.principal, action: c.request.action,
    resource: c.request.resource.resource, accountId: c.request.resource.accountId,
    context: c.request.context ?? {}, identity: c.identityPolicies ?? [],
    resourcePolicy: c.resourcePolicy ?? null, boundaries: c.permissionBoundaries ?? [],
    scps: c.serviceControlPolicies ?? [], rcps: c.resourceControlPolicies ?? [],
    sessionPolicy: c.sessionPolicy ?? null, endpoints: c.endpointPolicies ?? [],
    expected: c.expected.response
  }
}

/// Declares every user and role a policy names, so the world refuses none of them (2.16).
function declareNamed(accounts, policies) {
  const text = JSON.stringify(policies)
  for (const m of text.matchAll(/arn:aws:(iam|sts)::(\d{12}):(user|role|assumed-role)\/([^"*?$]+)/g)) {
    const [, , acct, kind, rest] = m
    const a = (accounts[acct] ??= {})
    if (kind === 'user') {
      const parts = rest.split('/')
      const name = parts.pop()
      const p = parts.length ? `/${parts.join('/')}/` : '/'
      a.users ??= {}
      if (!a.users[name]) a.users[name] = { path: p }
    } else {
      const parts = rest.split('/')
      const name = kind === 'role' ? parts.pop() : parts[0]
      const p = kind === 'role' && parts.length ? `/${parts.join('/')}/` : '/'
      a.roles ??= {}
      if (!a.roles[name]) a.roles[name] = { path: p, trust: trustOf(acct) }
    }
  }
}

const trustOf = (acct) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'sts:AssumeRole' }]
})

/// A world and one test for the case, or a Skip.
function translate(c) {
  if (c.resultType === 'wildcard' || c.resource.includes('*') && c.resource !== '*') skip('wildcard request resource')
  // The peer reads a request for resource `*` as "any resource" (a discovery query); iamsim
  // reads it as the literal `*` of actions that take no resource.
  if (c.resource === '*') skip('request resource `*` (the peer reads it as any resource)')
  if (c.endpoints.length) skip('VPC endpoint policies (out of scope, 10.2)')
  if (c.boundaries.length > 1) skip('more than one permissions boundary')
  if (!['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'].includes(c.expected)) skip(`expected ${c.expected}`)
  if (!isAccount(c.accountId)) skip('resource account is not 12 digits')
  const accounts = {}
  let principal
  let caller
  if (typeof c.principal === 'object') {
    principal = 'anonymous'
    if (c.identity.length || c.boundaries.length || c.sessionPolicy) skip('anonymous with principal policies')
  } else {
    const m = c.principal.match(/^arn:aws:(iam|sts)::(\d{12}):(user|role|assumed-role|root)(?:\/(.+))?$/)
    if (!m) skip(`principal kind \`${c.principal.split(':').slice(0, 3).join(':')}\``)
    const [, , acct, kind, rest] = m
    const a = (accounts[acct] ??= {})
    if (kind === 'root') {
      if (c.identity.length || c.boundaries.length) skip('root user with identity policies')
      caller = null
    } else if (kind === 'user') {
      const parts = rest.split('/')
      const name = parts.pop()
      caller = { path: parts.length ? `/${parts.join('/')}/` : '/' }
      a.users = { [name]: caller }
    } else {
      const parts = rest.split('/')
      let name, p
      if (kind === 'assumed-role') {
        if (parts.length !== 2) skip('assumed-role ARN without role and session')
        name = parts[0]
        p = '/'
      } else {
        name = parts.pop()
        p = parts.length ? `/${parts.join('/')}/` : '/'
      }
      caller = { path: p, trust: trustOf(acct) }
      a.roles = { [name]: caller }
    }
    if (caller) {
      caller.policies = c.identity
      if (c.boundaries.length) caller.boundary = c.boundaries[0]
    }
    principal = c.principal
    if (c.sessionPolicy && kind !== 'assumed-role') skip('session policy on a caller that is not a role session')
  }
  accounts[c.accountId] ??= {}
  // The resource: an S3 bucket or object, a role (trust policy), or another resource.
  const s3 = c.resource.match(/^arn:aws:s3:::([^/]+)(\/.*)?$/)
  const role = c.resource.match(/^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/)
  if (s3) {
    const bucket = { block_public_access: false }
    if (c.resourcePolicy) bucket.policy = c.resourcePolicy
    accounts[c.accountId].buckets = { [s3[1]]: bucket }
  } else if (role && c.action.toLowerCase().startsWith('sts:')) {
    if (role[1] !== c.accountId) skip('role ARN account differs from the resource account')
    if (!c.resourcePolicy) skip('role without a trust policy')
    const r = (accounts[c.accountId].roles ??= {})
    if (r[role[2]]) skip('the caller assumes its own role')
    r[role[2]] = { trust: c.resourcePolicy }
  } else if (role) {
    // An IAM action on a role: the role must exist in the world, or iamsim says it does not.
    if (role[1] !== c.accountId) skip('role ARN account differs from the resource account')
    if (c.resourcePolicy) skip('a resource policy on a role other than its trust policy')
    const parts = c.resource.split(':role/')[1].split('/')
    const name = parts.pop()
    const r = (accounts[c.accountId].roles ??= {})
    r[name] ??= { path: parts.length ? `/${parts.join('/')}/` : '/', trust: trustOf(c.accountId) }
  } else if (c.resourcePolicy) {
    if (c.resource === '*') skip('resource policy on `*`')
    const arnAccount = c.resource.split(':')[4]
    if (arnAccount && arnAccount !== c.accountId) skip('ARN account differs from the resource account')
    accounts[c.accountId].resources = { [c.resource]: { policy: c.resourcePolicy } }
  }
  declareNamed(accounts, [c.identity, c.resourcePolicy, c.boundaries, c.scps, c.rcps])
  for (const id of Object.keys(accounts)) if (!isAccount(id)) skip('an account id that is not 12 digits')
  const world = { accounts }
  // Organization: levels root → OUs → account, as the peer lists them.
  if (c.scps.length || c.rcps.length) {
    const callerAccount = typeof c.principal === 'string' ? c.principal.split(':')[4] : null
    const levels = Math.max(c.scps.length, c.rcps.length)
    if (c.scps.length && c.rcps.length && c.scps.length !== c.rcps.length) skip('SCP and RCP trees of different depth')
    if (c.scps.length && c.rcps.length && callerAccount !== c.accountId) skip('SCPs and RCPs for different accounts')
    const member = c.scps.length ? callerAccount : c.accountId
    if (!member) skip('SCPs for an anonymous caller')
    const orgId = [...c.scps, ...c.rcps].map((l) => l.orgIdentifier).find((x) => /^o-/.test(x)) ?? 'o-iamsimpeercases'
    const node = (i) => {
      const n = {}
      if (c.scps.length) n.scps = c.scps[i].policies.map((p) => p.policy ?? p)
      // The peer always adds RCPFullAWSAccess at every level.
      if (c.rcps.length) n.rcps = ['RCPFullAWSAccess', ...c.rcps[i].policies.map((p) => p.policy ?? p)]
      return n
    }
    // The last level is the account itself; those before it are the root and OUs.
    const root = levels === 1 ? { accounts: [{ id: member, ...node(0) }] } : node(0)
    let cur = root
    for (let i = 1; i < levels; i++) {
      if (i === levels - 1) {
        cur.accounts = [{ id: member, ...node(i) }]
      } else {
        const ou = node(i)
        cur.units = { [`ou${i}`]: ou }
        cur = ou
      }
    }
    world.organization = { id: orgId, root }
  }
  const test = { name: 'case', principal, action: c.action, resource: c.resource, context: c.context, expect: 'allow' }
  if (c.sessionPolicy) test.session_policy = c.sessionPolicy
  return { world, tests: { tests: [test] } }
}

const DECISION = { Allowed: 'allow', ExplicitlyDenied: 'explicit-deny', ImplicitlyDenied: 'implicit-deny' }

function main() {
  if (!fs.existsSync(CASES)) {
    console.error(`no peer cases at ${CASES}: pass --cases DIR`)
    process.exit(2)
  }
  if (!fs.existsSync(IAMSIM)) {
    console.error(`no iamsim binary at ${IAMSIM}: cargo build --release, or pass --iamsim PATH`)
    process.exit(2)
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamsim-peer-cases-'))
  const tally = { cases: 0, run: 0, agree: 0, agreeAllowDeny: 0, indeterminate: 0, refused: 0 }
  const skipped = new Map()
  const differ = []
  for (const file of files(CASES).sort()) {
    const rel = path.relative(CASES, file)
    for (const raw of JSON.parse(fs.readFileSync(file, 'utf8'))) {
      tally.cases++
      let t
      try {
        t = translate(normalise(raw))
      } catch (e) {
        // A case whose shape this translator does not know is skipped, not fatal.
        const why = e instanceof Skip ? e.message : 'a case shape the translator does not read'
        skipped.set(why, (skipped.get(why) ?? 0) + 1)
        continue
      }
      const dir = path.join(tmp, 'w')
      fs.rmSync(dir, { recursive: true, force: true })
      fs.mkdirSync(dir)
      fs.writeFileSync(path.join(dir, 'world.json'), JSON.stringify(t.world, null, 1))
      fs.writeFileSync(path.join(dir, 'tests.json'), JSON.stringify(t.tests, null, 1))
      let out
      try {
        out = execFileSync(IAMSIM, ['test', '--format', 'json', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      } catch (e) {
        if (e.status === 1) out = e.stdout
        else {
          tally.refused++
          const why = (e.stderr || '').split('\n').find((l) => l.includes('error[')) ?? 'load error'
          differ.push({ file: rel, name: raw.name, expected: normalise(raw).expected, iamsim: `refused: ${why.replace(/^.*?(error\[)/, '$1')}` })
          continue
        }
      }
      const got = JSON.parse(out).tests[0]
      const mine = got.decision ?? `error: ${got.failure}`
      const want = DECISION[normalise(raw).expected]
      tally.run++
      if (mine === 'indeterminate') tally.indeterminate++
      if (mine === want) tally.agree++
      if ((mine === 'allow') === (want === 'allow') && !mine.startsWith('error')) tally.agreeAllowDeny++
      if (mine !== want) differ.push({ file: rel, name: raw.name, expected: want, iamsim: mine })
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true })
  const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '0') + '%'
  console.log(`peer cases: ${tally.cases}; translated and run: ${tally.run}; iamsim refused the world: ${tally.refused}; skipped: ${tally.cases - tally.run - tally.refused}`)
  console.log(`agreement on the exact decision: ${tally.agree}/${tally.run} (${pct(tally.agree, tally.run)})`)
  console.log(`agreement on allow vs deny:      ${tally.agreeAllowDeny}/${tally.run} (${pct(tally.agreeAllowDeny, tally.run)}); iamsim indeterminate: ${tally.indeterminate}`)
  console.log('\nskipped, by reason:')
  for (const [why, n] of [...skipped.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${why}`)
  console.log(`\ndifferences (${differ.length}):`)
  for (const d of differ.slice(0, SHOW)) console.log(`  ${d.file}: ${d.name}\n      peer expects ${d.expected}, iamsim ${d.iamsim}`)
}

main()
