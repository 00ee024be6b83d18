// npm run bench:drill — wall time of the example plan's region-outage drill, the ratio of the
// achieved RTO to the critical-path sum of the simulated operation durations (only polling can add
// overhead; goal ≤ 1.03), and state transitions per component. Prints numbers; never fails on them.
import path from 'node:path';
import { performance } from 'node:perf_hooks';

// Before the handlers' loggers are built at import.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { runDrill } = await import('../shared/tools/drill/run-drill.ts');
const { criticalOperationSeconds, DEFAULT_DURATIONS } = await import('../shared/tools/drill/simulator/index.ts');
const { World } = await import('../shared/tools/drill/simulator/world.ts');
const { loadPlanFile } = await import('../shared/plan/load.ts');
const { recoveryOrder } = await import('../shared/plan/recovery-order.ts');
const { prepareRun } = await import('../shared/run/prepare.ts');
const { oneWayTypes } = await import('../shared/components/load.ts');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const planFile = path.resolve(import.meta.dirname, '../examples/dataset-platform.plan.yml');
const plan = await loadPlanFile(planFile);
const scenario = 'region-outage';

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
out(`drill ${plan.name} / ${scenario}: outcome ${report!.outcome}`);
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
