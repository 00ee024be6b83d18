// esbuild options for every function bundle, used by serverless-esbuild (serverless.yml
// custom.esbuild) and by the bundle benchmark, so both measure the same thing.
'use strict';
module.exports = {
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outputFileExtension: '.mjs',
  // ESM entry points of the SDK and its dependencies tree-shake better: 35–45 % smaller bundles.
  mainFields: ['module', 'main'],
  // Bundle a pinned AWS SDK v3 (the one the tests ran against), not the runtime's.
  exclude: [],
  packager: 'npm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
};
