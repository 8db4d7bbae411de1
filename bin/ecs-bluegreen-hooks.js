#!/usr/bin/env node
// The CLI is bundled to dist/ by `npm ci` (the prepare script); see scripts/build-cli.mjs.
require('../dist/cli.js');
