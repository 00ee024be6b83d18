// The package-time plan compile: `node scripts/compile-plan.ts` (scripts/serverless-plan.cjs runs it
// for serverless.yml). Validates the plan (DR_PLAN_FILE, default the example) with the same code as
// `dr-autopilot validate`, writes the compiled plan the functions read (.dr-autopilot/plan.json) and
// prints what serverless.yml reads as JSON on stdout. An invalid plan prints its problems on stderr
// as `FILE: path.to.field: message` and exits 2, so packaging stops there.
import { fileURLToPath } from 'node:url';
import { PlanValidationError } from '../shared/errors.ts';
import { compileDeployment } from '../shared/tools/deploy/compile.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const planSource = process.env.DR_PLAN_FILE || 'examples/dataset-platform.plan.yml';

try {
  const testSchedules = process.env.DR_TEST_SCHEDULES ?? 'off';
  if (testSchedules !== 'on' && testSchedules !== 'off') {
    process.stderr.write(`DR_TEST_SCHEDULES: "${testSchedules}" is not on or off (the test programme's schedules are deployed disabled unless on)\n`);
    process.exit(2);
  }
  const values = await compileDeployment(planSource, {
    root,
    slackWebhookSecretArn: process.env.DR_SLACK_WEBHOOK_SECRET_ARN,
    testSchedulesEnabled: testSchedules === 'on',
  });
  process.stdout.write(`${JSON.stringify(values)}\n`);
} catch (error) {
  if (!(error instanceof PlanValidationError)) throw error;
  for (const issue of error.issues) process.stderr.write(`${planSource}: ${issue.path}: ${issue.message}\n`);
  process.exitCode = 2;
}
