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

/**
 * The SDK's browser user-agent parser, bowser (34 KiB), left out. @aws-sdk/core loads it with import()
 * only from its browser user-agent provider (util-user-agent-browser); in Node the clients use
 * util-user-agent-node, so every function's package carried it and never loaded it. Imported from
 * there, it resolves to a module whose parse() throws, saying why (the module itself loads: the
 * packaging test loads every file of every zip); from anywhere else, esbuild resolves it as usual.
 */
const browserUserAgentLeftOut = {
  name: 'browser-user-agent-left-out',
  setup(build) {
    build.onResolve({ filter: /^bowser$/ }, (args) => (/util-user-agent-browser/.test(args.importer) ? { path: 'bowser', namespace: 'browser-only' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'browser-only' }, () => ({
      contents: 'export function parse() { throw new Error("bowser is left out of the Lambda bundles (scripts/esbuild-plugins.cjs): only a browser parses its user agent with it"); }',
      loader: 'js',
    }));
  },
};

module.exports = [chunksNamedByEntry, browserUserAgentLeftOut];
