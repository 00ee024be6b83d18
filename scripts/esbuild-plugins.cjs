// esbuild plugins for every function bundle: serverless-esbuild loads this file (custom.esbuild.plugins
// in scripts/esbuild-options.cjs); the bundle benchmark and tests load it through esbuildOptions().
'use strict';
const path = require('node:path');

/**
 * Names a function's chunks after it: functions/start-action.ts splits into start-action.mjs and
 * start-action.<chunk>-<hash>.mjs. serverless-esbuild builds one function at a time into the same
 * folder and, packaging each function on its own, leaves out the files named "<other function>.…",
 * so each zip holds its own entry and chunks and nothing of the other functions'.
 */
const chunksNamedByEntry = {
  name: 'chunks-named-by-entry',
  setup(build) {
    const entries = build.initialOptions.entryPoints;
    const list = Array.isArray(entries) ? entries : Object.values(entries ?? {});
    if (list.length !== 1) throw new Error(`chunks-named-by-entry: expected one entry point per build, got ${list.length}`);
    const entry = typeof list[0] === 'string' ? list[0] : list[0].in;
    build.initialOptions.chunkNames = `${path.basename(entry, path.extname(entry))}.[name]-[hash]`;
  },
};

module.exports = [chunksNamedByEntry];
