import { userInfo } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { Command, CommanderError, Option } from 'commander';
import { answerTask } from './answer-task.ts';
import { planStatus, statusLines, unlockPlan } from './status.ts';
import { stateDocumentClient, type StateDeps } from '../../state/table.ts';
import { INJECT_HELP } from '../drill/inject.ts';
import { DRIFT_HELP } from '../readiness/drift.ts';
import { InvalidInputError, PlanValidationError } from '../../errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { recoveryOrder } from '../../plan/recovery-order.ts';
import { planWarnings } from '../../plan/warnings.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Thrown by commands to end with a given exit code after printing their own messages. */
class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

async function validate(file: string, io: CliIo, showOrder: boolean): Promise<void> {
  try {
    const plan = await loadPlanFile(file);
    io.out(`${file}: valid plan "${plan.name}" (${plan.regions.primary} -> ${plan.regions.secondary}): ${plan.tiers.length} tiers, ${plan.components.length} components, ${plan.scenarios.length} scenarios`);
    // Valid, but worth a second look (shared/plan/warnings.ts): on stderr, exit 0.
    for (const warning of planWarnings(plan)) io.err(`${file}: ${warning.path}: warning: ${warning.message}`);
    if (!showOrder) return;
    for (const scenario of plan.scenarios) {
      const order = recoveryOrder(plan, scenario.id);
      io.out(`\nscenario ${scenario.id} (${scenario.mode}, ${scenario.severity}): ${scenario.name}`);
      for (const tier of order.tiers) {
        io.out(`  ${tier.order}. ${tier.id} [RTO ${tier.rtoTargetMinutes} min${tier.dependsOn.length ? `, after ${tier.dependsOn.join(', ')}` : ''}]`);
        for (const c of tier.components) io.out(`       - ${c.id} (${c.type}${c.rpoClass ? `, RPO ${plan.rpoClasses[c.rpoClass]?.targetMinutes} min` : ''})`);
      }
    }
  } catch (error) {
    if (!(error instanceof PlanValidationError)) throw error;
    for (const issue of error.issues) io.err(`${file}: ${issue.path}: ${issue.message}`);
    throw new Exit(2);
  }
}

interface DocOptions {
  plan: string;
  lang: string;
  report?: string;
  out?: string;
}

/** `doc`: the plan as the DR plan document. Bad input (plan, language, report) exits 2 and writes nothing. */
async function doc(opts: DocOptions, io: CliIo): Promise<void> {
  const { readDocReport, writeDoc } = await import('../doc/command.ts');
  let text: string;
  try {
    if (opts.lang !== 'ja' && opts.lang !== 'en') throw new InvalidInputError(`--lang: "${opts.lang}" is not a language of the document; use ja or en`, { field: 'lang' });
    const plan = await loadPlanFile(opts.plan);
    const report = opts.report === undefined ? undefined : readDocReport(opts.report);
    const { renderPlanDocument } = await import('../doc/render.ts');
    text = renderPlanDocument(plan, opts.lang, report);
  } catch (error) {
    if (error instanceof PlanValidationError) {
      for (const issue of error.issues) io.err(`${opts.plan}: ${issue.path}: ${issue.message}`);
      throw new Exit(2);
    }
    if (error instanceof InvalidInputError) {
      io.err(`dr-autopilot: ${error.message}`);
      throw new Exit(2);
    }
    throw error;
  }
  if (opts.out === undefined) io.out(text.trimEnd());
  else {
    writeDoc(opts.out, text);
    io.out(`wrote ${opts.out}`);
  }
}

interface AnswerOptions {
  token: string;
  reason?: string;
  region?: string;
  by?: string;
  force?: boolean;
}

/** Sends the answer; bad input exits 2 before any AWS call, an AWS refusal (expired token…) exits 1. */
async function answer(opts: AnswerOptions, approve: boolean, io: CliIo, sfnFor: (region: string) => SFNClient): Promise<void> {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const force = opts.force === true;
  try {
    if (!approve && force) {
      throw new InvalidInputError('--force: only approve takes --force (approve with force, or reject without it)', { field: 'force' });
    }
    if (!region) throw new InvalidInputError('--region: say which region the state machine runs in (or set AWS_REGION)', { field: 'region' });
    const by = opts.by ?? userInfo().username;
    await answerTask(sfnFor(region), { token: opts.token, approve, ...(approve ? { force } : {}), reason: opts.reason, by, now: new Date() });
  } catch (error) {
    if (error instanceof InvalidInputError) {
      io.err(`dr-autopilot: ${error.message}`);
      throw new Exit(2);
    }
    const e = error as Error;
    const voidToken = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(e.name);
    io.err(
      `dr-autopilot: ${e.name}: ${e.message}${voidToken ? ' (this token no longer answers: the wait timed out or was answered, the run ended, or the request was sent again - a retried request starts "REPLACES AN EARLIER REQUEST" and carries the token that answers now; `dr-autopilot status --plan FILE` lists the pending ones)' : ''}`,
    );
    throw new Exit(1);
  }
  io.out(
    !approve
      ? 'rejected: the step fails and the run stops before later tiers'
      : force
        ? 'approved with force: an old primary found up is fenced, and the run continues'
        : 'approved: the run continues',
  );
}

interface StateOptions {
  plan: string;
  table?: string;
  region?: string;
  endpoint?: string;
}

/** The plan and its state table (`--table`, else STATE_TABLE_NAME; in the plan's recovery region unless `--region`). Bad input exits 2. */
async function stateOf(opts: StateOptions, io: CliIo): Promise<{ plan: Awaited<ReturnType<typeof loadPlanFile>>; deps: StateDeps; region: string }> {
  try {
    const plan = await loadPlanFile(opts.plan);
    const tableName = opts.table ?? process.env.STATE_TABLE_NAME;
    if (!tableName) throw new InvalidInputError('--table: name the deployment\'s state table (the stack\'s StateTable), or set STATE_TABLE_NAME', { field: 'table' });
    const region = opts.region ?? plan.regions.secondary;
    const client = new DynamoDBClient({ region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
    return { plan, region, deps: { ddb: stateDocumentClient(client), tableName, now: () => new Date(), logger: new Logger({ serviceName: 'dr-autopilot-cli', logLevel: 'SILENT' }) } };
  } catch (error) {
    exitOnBadInput(error, io);
  }
}

/** Bad input (an invalid plan, a flag that fails its check) is printed and exits 2; anything else is rethrown. */
function exitOnBadInput(error: unknown, io: CliIo): never {
  if (error instanceof PlanValidationError) {
    for (const issue of error.issues) io.err(`${error.file}: ${issue.path}: ${issue.message}`);
    throw new Exit(2);
  }
  if (error instanceof InvalidInputError) {
    io.err(`dr-autopilot: ${error.message}`);
    throw new Exit(2);
  }
  throw error;
}

export interface CliClients {
  sfnFor: (region: string) => SFNClient;
  snsFor: (region: string) => SNSClient;
}

export function buildProgram(
  io: CliIo = stdio,
  sfnFor: (region: string) => SFNClient = (region) => new SFNClient({ region }),
  snsFor: CliClients['snsFor'] = (region) => new SNSClient({ region }),
): Command {
  const program = new Command('dr-autopilot')
    .description('Disaster-recovery automation for AWS: validate plans, drill them offline, answer approvals.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('Check a recovery plan file; prints every problem as FILE: path.to.field: message')
    .requiredOption('--plan <file>', 'the plan file (YAML)')
    .addOption(new Option('--order', 'also print each scenario\'s recovery order'))
    .action(async (opts: { plan: string; order?: boolean }) => validate(opts.plan, io, opts.order === true));

  program
    .command('drill')
    .description('Offline drill: the deployable state machine and the real handlers against a simulated two-region account')
    .requiredOption('--plan <file>', 'the plan file (YAML)')
    .option('--scenario <id>', 'the scenario to drill (or give --event)')
    .option('--event <file>', 'an EventBridge "CloudWatch Alarm State Change" event, as AWS delivers it')
    .option('--inject <spec>', `inject a fault (repeatable):\n${INJECT_HELP}`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--duration <key=seconds>', 'override a simulated duration (repeatable), e.g. rds.promote-read-replica=900', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--report-dir <dir>', 'where to write report.json, report.md, report.html (default drill-reports/<start time>/)')
    .option('--json', 'print report.json instead of progress lines')
    .option('--with-postgres', "run the plan's replicated database component against a real local PostgreSQL primary + standby (its checks and measured RPO)")
    .option(
      '--then <id>',
      'after the drilled scenario, run this re-protect or failback scenario in the same simulated account, the primary region back (repeatable, in order)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--state-endpoint <url>', 'keep the drill\'s state table (dr-autopilot-drill-state) on this DynamoDB-compatible endpoint, for status and unlock --endpoint after the drill')
    .action(async (opts: { plan: string; scenario?: string; event?: string; inject: string[]; duration: string[]; reportDir?: string; json?: boolean; withPostgres?: boolean; then: string[]; stateEndpoint?: string }) => {
      // Loaded only for `drill`: approve, reject and validate never load the simulator, the local
      // state machine or their libraries (an operator answering an approval needs none of them).
      const { drillCommand } = await import('../drill/command.ts');
      const code = await drillCommand(opts, { ...io, tty: io === stdio && process.stdout.isTTY ? process.stdout : undefined });
      if (code !== 0) throw new Exit(code);
    });

  program
    .command('readiness')
    .description('Readiness offline: every component\'s recovery preconditions and the RTO/RPO forecast, against the simulated account (exit 0 ready, 1 not)')
    .requiredOption('--plan <file>', 'the plan file (YAML)')
    .option('--drift <spec>', `make the simulated account drift from the plan (repeatable):\n${DRIFT_HELP}`, (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--json', 'print the readiness report as one JSON document')
    .option('--verbose', 'also list the findings that are ready')
    .action(async (opts: { plan: string; drift: string[]; json?: boolean; verbose?: boolean }) => {
      // Loaded only for `readiness`: it brings the simulator.
      const { readinessCommand } = await import('../readiness/command.ts');
      const code = await readinessCommand(opts, io);
      if (code !== 0) throw new Exit(code);
    });

  program
    .command('doc')
    .description('The plan as the DR plan document (Markdown): objectives, order, procedures, scenarios, communication, latest results')
    .requiredOption('--plan <file>', 'the plan file (YAML)')
    .option('--lang <ja|en>', 'the document\'s language', 'en')
    .option('--report <file>', 'a report.json (drill or run) for the latest results')
    .option('--out <file>', 'write the document to this file (default: standard output)')
    .action(async (opts: DocOptions) => doc(opts, io));

  const stateOptions = (cmd: Command) =>
    cmd
      .requiredOption('--plan <file>', 'the plan file (YAML)')
      .option('--table <name>', 'the state table (default: STATE_TABLE_NAME)')
      .option('--region <region>', 'region of the deployment (default: the plan\'s secondary region)')
      .option('--endpoint <url>', 'a DynamoDB-compatible endpoint (a local table, e.g. the drill\'s)');

  stateOptions(program.command('status'))
    .description('The plan\'s recovery state: lock holder, running execution, its tier and components, approvals waiting (with the commands that answer them), the last run')
    .option('--json', 'print the status as JSON')
    .option('--no-sfn', 'read the state table only (not Step Functions)')
    .action(async (opts: StateOptions & { json?: boolean; sfn: boolean }) => {
      const { plan, deps, region } = await stateOf(opts, io);
      const status = await planStatus(deps, plan, opts.sfn ? sfnFor(region) : null);
      if (opts.json) io.out(JSON.stringify(status, null, 2));
      else for (const line of statusLines(status)) io.out(line);
    });

  stateOptions(program.command('unlock'))
    .description('Release the plan\'s recovery lock whoever holds it (audited in the state table; internal notice): for a lock a stopped run left behind')
    .requiredOption('--reason <text>', 'why (kept for audit and sent to operations)')
    .option('--by <name>', 'who releases it (default: the OS user)')
    .option('--topic <arn>', 'the internal SNS topic to tell (default: INTERNAL_TOPIC_ARN)')
    .action(async (opts: StateOptions & { reason: string; by?: string; topic?: string }) => {
      const { plan, deps, region } = await stateOf(opts, io);
      const topicArn = opts.topic ?? process.env.INTERNAL_TOPIC_ARN;
      if (!topicArn) {
        io.err('dr-autopilot: --topic: name the internal SNS topic (the stack\'s InternalTopic), or set INTERNAL_TOPIC_ARN: an unlock is always announced');
        throw new Exit(2);
      }
      try {
        const result = await unlockPlan(deps, plan, { reason: opts.reason, by: opts.by ?? userInfo().username }, { sns: snsFor(topicArn.split(':')[3] ?? region), topicArn });
        io.out(result.previousOwner ? `released: the lock of ${plan.name} was held by ${result.previousOwner}; recorded at ${result.at}` : `the lock of ${plan.name} was free; the unlock is recorded at ${result.at}`);
      } catch (error) {
        exitOnBadInput(error, io);
      }
    });

  for (const [name, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    const cmd = program
      .command(name)
      .description(approve ? 'Confirm a manual step or approval (SendTaskSuccess)' : 'Reject a manual step or approval (SendTaskFailure)')
      .requiredOption('--token <token>', 'the task token from the notice')
      .option('--region <region>', 'region of the state machine (default: AWS_REGION)')
      .option('--by <name>', 'who answers (default: the OS user)')
      .option('--reason <text>', approve ? 'why (recorded with the decision)' : 'why');
    if (approve) {
      cmd.option('--force', 'approve knowing the old primary may still be up: split-brain guards fence it, then the run goes on');
    } else {
      // Accepted only to say clearly why it is wrong here (exit 2), rather than "unknown option".
      cmd.addOption(new Option('--force').hideHelp());
    }
    cmd.action(async (opts: AnswerOptions) => answer(opts, approve, io, sfnFor));
  }

  return program;
}

/** Runs the CLI and returns its exit code: 0 success, 1 run failed, 2 bad input. */
export async function runCli(argv: string[], io: CliIo = stdio): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    io.err(`dr-autopilot: ${(error as Error).message}`);
    return 1;
  }
}
