// What serverless.yml reads from the recovery plan (${file(scripts/serverless-plan.cjs)}): the region
// to deploy to, the stack name, the trigger alarms, the state machine definition with its ${Substitutions}
// resolved to CloudFormation references, one least-privilege IAM role per function, and the compiled plan
// the functions read. CommonJS because the Serverless Framework require()s variable files; the work is
// done by the TypeScript compile (scripts/compile-plan.ts → shared/tools/deploy/), in a child process
// of the same Node, so the deployment comes from the same validated plan and code as the runtime.
// DR_PLAN_FILE selects the plan, DR_SLACK_WEBHOOK_SECRET_ARN the Slack webhook's secret, DR_TEST_SCHEDULES=on
// turns the test programme's schedules on (all read there).
//
// The export is a function: osls calls it with its variable resolver, so the stack name
// (dr-autopilot-<plan>-<stage>) is known here and a name too long for AWS stops packaging, not the deploy.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** The compile's values (shared/tools/deploy/compile.ts DeploymentValues), without the stack name. */
function compile() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    throw new Error(`The plan compile runs TypeScript on Node >= 22.12; this is Node ${process.versions.node} (npm run package puts the pinned node@22 first on PATH).`);
  }
  let stdout;
  try {
    stdout = execFileSync(
      process.execPath,
      // Type stripping is on by default from Node 22.18; the flag covers 22.12–22.17 (engines: >=22.12).
      ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', path.join(root, 'scripts/compile-plan.ts')],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const detail = (error.stderr && String(error.stderr).trim()) || error.message;
    throw new Error(`The recovery plan does not compile (scripts/compile-plan.ts):\n${detail}`, { cause: error });
  }
  return JSON.parse(stdout);
}

/**
 * The values plus `stackName`: `<service>-<stage>` (the service is dr-autopilot-<plan>), which every
 * resource name in serverless.yml starts with and the roles name as ${AWS::StackName}. `stage` is
 * provider.stage (`--stage`, default prod).
 */
function withStackName(values, stage) {
  if (typeof stage !== 'string' || !/^[a-zA-Z0-9-]+$/.test(stage)) {
    throw new Error(`The stage ${JSON.stringify(stage)} is not letters, digits and dashes (--stage)`);
  }
  const stackName = `${values.service}-${stage}`;
  if (stackName.length > values.maxStackNameChars) {
    throw new Error(
      `The stack name ${stackName} (dr-autopilot-<plan name>-<stage>) is ${stackName.length} characters; at most ${values.maxStackNameChars} fit ` +
        `the longest function name (${stackName}${values.longestNameSuffix}, AWS Lambda: 64). Shorten the plan's name or the stage.`,
    );
  }
  return { ...values, stackName };
}

module.exports = async ({ resolveVariable }) => withStackName(compile(), await resolveVariable('self:provider.stage'));
module.exports.withStackName = withStackName;
