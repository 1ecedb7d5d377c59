// Validates CSAF 2.0 documents with the BSI reference validator
// (@secvisogram/csaf-validator-lib): the JSON Schema tests and every
// mandatory test (CSAF 6.1). Run from the npm prefix the fixture installed
// it into (tests/integration/advisory.py copies this file there, so the bare
// specifiers below resolve). Arguments: document paths. Prints one line per
// error, "FILE  TEST  /pointer  message", and exits 1 when any document fails.
import { readFileSync } from 'node:fs'
import validate from '@secvisogram/csaf-validator-lib/validate.js'
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js'

const tests = [...Object.values(schemaTests), ...Object.values(mandatoryTests)]
let failed = 0
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  const result = await validate(tests, doc)
  for (const t of result.tests) {
    for (const e of t.errors) {
      console.log(`${file}  ${t.name}  ${e.instancePath || '/'}  ${e.message}`)
    }
  }
  if (!result.isValid) failed++
  console.log(`${file}: ${result.isValid ? 'valid' : 'INVALID'} (${tests.length} tests)`)
}
process.exit(failed ? 1 : 0)
