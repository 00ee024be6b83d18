// npm run bench:drill [-- --plan FILE | --synthetic N] [--scenario ID] [--runs N] — wall time of a
// drill (default: the example plan's region-outage), the ratio of the achieved RTO to the critical-path
// sum of the simulated operation durations (only polling can add overhead; goal ≤ 1.03), state
// transitions per component, and Step Functions' limits as the run used them: the largest state
// payload (limit 262,144 bytes) and the history events (limit 25,000). `--synthetic N` drills a
// generated plan of N ECS services with HTTP checks. Prints numbers; never fails on them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

// Before the handlers' loggers are built at import.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { runDrill } = await import('../shared/tools/drill/run-drill.ts');
const { criticalOperationSeconds, DEFAULT_DURATIONS } = await import('../shared/tools/drill/simulator/index.ts');
const { World } = await import('../shared/tools/drill/simulator/world.ts');
const { loadPlanFile } = await import('../shared/plan/load.ts');
const { recoveryOrder } = await import('../shared/plan/recovery-order.ts');
const { prepareRun } = await import('../shared/run/prepare.ts');
const { oneWayTypes } = await import('../shared/components/load.ts');
const { syntheticPlanYaml } = await import('../shared/tools/drill/synthetic-plan.ts');
const { HISTORY_EVENTS_LIMIT, STATE_PAYLOAD_LIMIT_BYTES } = await import('../shared/tools/drill/limits.ts');
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, plan: { type: 'string' }, synthetic: { type: 'string' }, scenario: { type: 'string', default: 'region-outage' } } });
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got ${args.runs}`);
let planFile = path.resolve(args.plan ?? path.join(import.meta.dirname, '../examples/dataset-platform.plan.yml'));
let cleanUp = () => {};
if (args.synthetic !== undefined) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-drill-'));
  planFile = path.join(dir, `synthetic-${args.synthetic}.plan.yml`);
  writeFileSync(planFile, syntheticPlanYaml({ components: Number(args.synthetic) }));
  cleanUp = () => rmSync(dir, { recursive: true, force: true });
}
const plan = await loadPlanFile(planFile);
const scenario = args.scenario;

const walls: number[] = [];
let report: Awaited<ReturnType<typeof runDrill>> | undefined;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  report = await runDrill({ plan, planFile, scenario, startAt: new Date('2026-11-29T00:00:00Z') });
  walls.push(performance.now() - t);
}
const sorted = [...walls].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;

const world = new World(plan, { durations: DEFAULT_DURATIONS });
const order = recoveryOrder(plan, scenario);
// The run starts when the incident is detected; RTO counts from the incident.
let criticalPath = world.durationMs('detection.time-to-detect') / 1000;
const out = (line = '') => process.stdout.write(`${line}\n`);
out(`drill ${plan.name} / ${scenario} (${plan.components.length} components): outcome ${report!.outcome}${report!.reason ? ` (${report!.reason})` : ''}`);
out(`wall time: first ${walls[0]!.toFixed(0)} ms (includes module warm-up), median of ${runs} ${median.toFixed(0)} ms`);
out('');
out('tier      critical op (s)  cumulative (min)  achieved (min)  ratio');
out(`${'detection'.padEnd(10)}${String(criticalPath).padStart(15)}  ${(criticalPath / 60).toFixed(2).padStart(16)}`);
// The approval gate (the drill's approver answers after approval.operator-response) holds the tier with the first one-way step.
const prepared = prepareRun(plan, {
  input: { scenario, mode: plan.scenarios.find((s) => s.id === scenario)!.mode, reason: 'bench', requestedBy: 'bench' },
  executionId: 'arn:aws:states:ap-northeast-3:000000000000:execution:bench:bench',
  executionStartedAt: '2026-11-29T00:00:00.000Z',
}, undefined, await oneWayTypes(plan.components.map((c) => c.type)));
const gateTier = prepared.approval.required ? prepared.tiers[prepared.approval.tierIndex]?.id : undefined;
for (const tier of order.tiers) {
  if (tier.id === gateTier) {
    const approval = world.durationMs('approval.operator-response') / 1000;
    criticalPath += approval;
    out(`${'approval'.padEnd(10)}${String(approval).padStart(15)}  ${(criticalPath / 60).toFixed(2).padStart(16)}`);
  }
  criticalPath += Math.max(...tier.components.map((c) => criticalOperationSeconds(world, c)));
  const achieved = report!.tiers.find((t) => t.id === tier.id)?.achievedMinutes ?? NaN;
  const cumulative = criticalPath / 60;
  out(`${tier.id.padEnd(10)}${String(Math.max(...tier.components.map((c) => criticalOperationSeconds(world, c)))).padStart(15)}  ${cumulative.toFixed(2).padStart(16)}  ${achieved.toFixed(2).padStart(14)}  ${(achieved / cumulative).toFixed(3)}`);
}
const achievedTotal = report!.tiers.at(-1)?.achievedMinutes ?? NaN;
out('');
out(`achieved RTO / critical-path sum: ${achievedTotal} min / ${(criticalPath / 60).toFixed(2)} min = ${(achievedTotal / (criticalPath / 60)).toFixed(3)} (goal ≤ 1.03)`);
const components = report!.components.filter((c) => c.status !== 'not-started').length;
out(`state transitions: ${report!.stateTransitions} for ${components} components = ${(report!.stateTransitions / components).toFixed(1)} per component`);
out(`largest state payload: ${report!.limits.largestPayloadBytes.toLocaleString('en-US')} bytes of ${STATE_PAYLOAD_LIMIT_BYTES.toLocaleString('en-US')} (${report!.limits.largestPayloadAt ?? '-'})`);
out(`history events: ${report!.limits.historyEvents.toLocaleString('en-US')} of ${HISTORY_EVENTS_LIMIT.toLocaleString('en-US')}`);
cleanUp();
