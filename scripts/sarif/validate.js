// Validates a SARIF file against the SARIF 2.1.0 JSON schema; exit 1 with the first errors if not.
const Ajv = require('@microsoft/jest-sarif/node_modules/ajv');
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const ajv = new Ajv({allErrors: true, schemaId: 'auto'});
try { ajv.addMetaSchema(require('@microsoft/jest-sarif/node_modules/ajv/lib/refs/json-schema-draft-04.json')); } catch (e) {}
const validate = ajv.compile(schema);
const doc = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
if (validate(doc)) { console.log('valid: ' + doc.runs[0].results.length + ' results'); } else { console.log(JSON.stringify(validate.errors.slice(0,5), null, 1)); process.exit(1); }
