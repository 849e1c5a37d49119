// Writes DIR/cases.json for simulate.mjs with one case: the request every test of
// scripts/tests-file.py asks (the first cross-account tutorial's upload through the role, from
// fixtures/aws-cli-role-profile-corrected), as the two simulations iam-simulate needs (the
// AssumeRole hop and the upload as the role session), the same as benches/cedar-compare gives it.
//
//   node tests-case.mjs REPO_ROOT DIR

import fs from 'node:fs'
import path from 'node:path'

const [root, dir] = process.argv.slice(2)
const world = path.join(root, 'fixtures/aws-cli-role-profile-corrected')
const read = (p) => JSON.parse(fs.readFileSync(path.join(world, p), 'utf8'))
const user = 'arn:aws:iam::111111111111:user/accounta-user'
const role = 'arn:aws:iam::222222222222:role/role-in-accountb'
const session = 'arn:aws:sts::222222222222:assumed-role/role-in-accountb/iamsim'
const object = 'arn:aws:s3:::cross-account-bucket/test.txt'
const simulations = [
  {
    identityPolicies: [{ name: 'assume', policy: read('policies/accounta-user-assume-role.json') }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: read('policies/role-in-accountb-trust.json'),
    request: {
      principal: user,
      action: 'sts:AssumeRole',
      resource: { resource: role, accountId: '222222222222' },
      contextVariables: {
        'aws:PrincipalArn': user,
        'aws:PrincipalAccount': '111111111111',
        'aws:username': 'accounta-user',
      },
    },
  },
  {
    identityPolicies: [{ name: 's3', policy: read('policies/role-in-accountb-s3.json') }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: session,
      action: 's3:PutObject',
      resource: { resource: object, accountId: '222222222222' },
      contextVariables: { 'aws:PrincipalArn': role, 'aws:PrincipalAccount': '222222222222' },
    },
  },
]
fs.mkdirSync(dir, { recursive: true })
fs.writeFileSync(
  path.join(dir, 'cases.json'),
  JSON.stringify([{ case: 'cross-account AssumeRole + s3:PutObject', simulations }], null, 1),
)
