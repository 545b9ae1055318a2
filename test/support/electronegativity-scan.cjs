// Runs @doyensec/electronegativity over main/, preload/ and renderer/ as one application (so its
// global checks — CSP, navigation limits, permission handler — see all of it) and prints the
// findings as JSON. The three folders and package.json are copied to a temporary folder first:
// the tool scans whole directories and would otherwise also read dist/, test/ and scripts/.
//
// Kept offline on purpose: the tool fetches translations and Electron's release list with `got`;
// we answer those requests with an immediate failure (it then uses what it ships with).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const toolEntry = require.resolve('@doyensec/electronegativity');
const gotPath = require.resolve('got', { paths: [path.dirname(toolEntry)] });
const offline = () => Promise.reject(new Error('offline'));
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };

// The tool talks on console.log; keep stdout for our one JSON document.
const writeJson = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
console.log = (...args) => console.error(...args);

const run = require(toolEntry);
const root = path.resolve(__dirname, '..', '..');
// Folders to scan as one app, relative to the repository (default: the app itself).
const folders = process.argv.length > 2 ? process.argv.slice(2) : ['main', 'preload', 'renderer'];

async function main() {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
  try {
    for (const folder of folders) fs.cpSync(path.join(root, folder), path.join(stage, path.basename(folder)), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
    const electronVersion = require(path.join(root, 'node_modules', 'electron', 'package.json')).version;
    const { issues, errors } = await run({
      input: stage,
      isRelative: true,
      customScan: [],
      excludeFromScan: [],
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
    writeJson({
        folders,
        electronVersion,
        errors: errors.map((e) => ({ file: e.file, message: e.message, tolerable: e.tolerable })),
        issues: issues.map((i) => ({
          id: i.id,
          file: i.file,
          line: i.location.line,
          severity: i.severity.name,
          confidence: i.confidence.name,
          manualReview: i.manualReview,
          description: i.description,
        })),
    });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
