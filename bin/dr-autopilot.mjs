#!/usr/bin/env node
// Entry point of the `dr-autopilot` command. Runs the TypeScript sources directly on Node 22
// (type stripping), after checking that this is Node 22, the Lambda runtime's version.
import '../scripts/check-node.mjs';

// The drill runs the real handlers in-process: their structured logs would bury the progress lines.
// POWERTOOLS_LOG_LEVEL=INFO shows them.
if (process.argv[2] === 'drill') process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { runCli } = await import('../shared/tools/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
