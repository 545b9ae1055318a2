#!/usr/bin/env node
'use strict';
// The command line is built to dist/ by `npm ci` (the prepare script) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const built = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write('panorama-usb is not built yet: run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
require(built);
