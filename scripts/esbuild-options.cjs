// esbuild options for every function bundle, used by serverless-esbuild (serverless.yml
// custom.esbuild) and by the bundle benchmark, so both measure the same thing.
'use strict';
module.exports = {
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  // Code reached through import() (a component type's recovery action, a check kind, the SDK's SSO and
  // STS credential providers) goes in chunks loaded on first use, not at cold start. In one file, esbuild
  // wraps lazily loaded modules and can no longer tree-shake the SDK packages they import: start-action
  // carried all 1,013 commands of its 12 clients (1.6 MiB) and took 255 ms to import; split, 86 ms
  // (npm run bench:bundles).
  splitting: true,
  // Chunks are named after their function (scripts/esbuild-plugins.cjs), so each function's zip holds only its own.
  plugins: 'scripts/esbuild-plugins.cjs',
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
