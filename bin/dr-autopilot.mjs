#!/usr/bin/env node
// Entry point of the `dr-autopilot` command. Runs the TypeScript sources directly on Node 22
// (type stripping), after checking that this is Node 22, the Lambda runtime's version.
import '../scripts/check-node.mjs';

const { runCli } = await import('../shared/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
