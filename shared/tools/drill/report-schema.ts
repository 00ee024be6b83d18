import { z } from 'zod';

/**
 * report.json of a drill, as a zod 4 schema: the contract in README.md#offline-drill
 * ("Report") plus what the drill adds (report.ts DrillReport: each component's lastStatus and
 * retries, the injected faults, the simulated resources' final state). Objects are strict, so a field
 * added to the report without being added here (and to the contract) is caught.
 */

/** Simulated time, ISO-8601 in UTC as Date.toISOString writes it. */
const instant = z.iso.datetime();
const minutes = z.number().nonnegative();
const error = z.strictObject({ name: z.string().min(1), message: z.string() });

export const drillTierSchema = z.strictObject({
  id: z.string().min(1),
  order: z.number().int().min(1),
  rtoTargetMinutes: z.number().int().positive(),
  /** From the incident to the moment the tier's last component was recovered and verified; null when it was not. */
  achievedMinutes: minutes.nullable(),
  met: z.boolean().nullable(),
  status: z.enum(['recovered', 'failed', 'not-started']),
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
});

export const drillComponentSchema = z.strictObject({
  id: z.string().min(1),
  tier: z.string().min(1),
  type: z.string().min(1),
  status: z.enum(['recovered', 'failed', 'skipped', 'not-started']),
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
  attempts: z.number().int().nonnegative(),
  error: error.nullable(),
  /** The action's last status line. */
  lastStatus: z.string().nullable(),
  /** Every retry the state machine made for this component: the state retried, the error, when. */
  retries: z.array(z.strictObject({ state: z.string().min(1), error: z.string().min(1), at: instant })),
});

export const drillRpoSchema = z.strictObject({
  dataClass: z.string().min(1),
  targetMinutes: z.number().int().positive(),
  measuredMinutes: minutes.nullable(),
  met: z.boolean().nullable(),
  source: z.string().min(1),
  /** ± the measurement's precision (a heartbeat's interval). */
  uncertaintyMinutes: minutes.nullable().optional(),
  /** The replica lag recorded at promotion, beside the measured figure. */
  replicaLagMinutes: minutes.nullable().optional(),
});

export const drillCheckSchema = z.strictObject({
  /** The component checked; null for the final verification of the whole system. */
  component: z.string().min(1).nullable(),
  name: z.string().min(1),
  /** skipped: the check could not run in this drill (a database check without --with-postgres). */
  status: z.enum(['passed', 'failed', 'skipped']),
  detail: z.string(),
  type: z.string().min(1).optional(),
  advisory: z.boolean().optional(),
  observations: z.record(z.string(), z.unknown()).optional(),
  checkedAt: instant.optional(),
});

export const drillNotificationSchema = z.strictObject({
  stage: z.string().min(1),
  audience: z.string().min(1),
  language: z.string().min(1),
  channel: z.string().min(1),
  subject: z.string(),
  body: z.string(),
});

export const drillReportSchema = z
  .strictObject({
    plan: z.string().min(1),
    scenario: z.string(),
    mode: z.literal('drill'),
    outcome: z.enum(['recovered', 'failed', 'aborted', 'ignored']),
    /** Why, when not recovered. */
    reason: z.string().min(1).nullable(),
    startedAt: instant,
    finishedAt: instant,
    tiers: z.array(drillTierSchema),
    components: z.array(drillComponentSchema),
    rpo: z.array(drillRpoSchema),
    checks: z.array(drillCheckSchema),
    notifications: z.array(drillNotificationSchema),
    stateTransitions: z.number().int().nonnegative(),
    /** Step Functions' limits as the run used them: largest state payload (≤ 262,144 bytes) and history events (≤ 25,000). */
    limits: z.strictObject({
      largestPayloadBytes: z.number().int().nonnegative(),
      largestPayloadAt: z.string().min(1).nullable(),
      historyEvents: z.number().int().nonnegative(),
    }),
    /** The injected faults (each as JSON). */
    faults: z.array(z.string().min(1)),
    /** Each simulated service's resources at the end, by service. */
    finalState: z.record(z.string(), z.unknown()),
    /** Where Summarise Run wrote the run's report in the (simulated) report bucket: as deployed runs do. */
    runReport: z.union([z.strictObject({ uri: z.string().startsWith('s3://'), url: z.url() }), z.strictObject({ error: z.string().min(1) })]).optional(),
    /** The plan's earlier runs and this one, newest first: RTO and RPO achieved against the targets. */
    trend: z
      .array(
        z.strictObject({
          startedAt: instant,
          scenario: z.string().min(1),
          mode: z.enum(['drill', 'run']),
          outcome: z.enum(['recovered', 'failed', 'aborted', 'ignored']),
          tiers: z.array(z.strictObject({ id: z.string().min(1), rtoTargetMinutes: z.number().int().positive(), achievedMinutes: minutes.nullable(), met: z.boolean().nullable() })),
          rpo: z.array(z.strictObject({ dataClass: z.string().min(1), targetMinutes: z.number().int().positive(), measuredMinutes: minutes.nullable(), met: z.boolean().nullable() })),
        }),
      )
      .optional(),
    /** The incident's executions, the first first (more than one when a failed run was resumed). */
    executions: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          resumeOf: z.string().min(1).nullable(),
          outcome: z.enum(['recovered', 'failed', 'aborted', 'ignored']),
          reason: z.string().min(1).nullable(),
          startedAt: instant,
          finishedAt: instant,
        }),
      )
      .optional(),
    /** `--then`: the re-protect and failback runs after the drilled one, in order. */
    followUps: z
      .array(
        z.strictObject({
          scenario: z.string().min(1),
          stage: z.enum(['reprotect', 'failback']),
          execution: z.string().min(1),
          outcome: z.enum(['recovered', 'failed', 'aborted']),
          reason: z.string().min(1).nullable(),
          startedAt: instant,
          finishedAt: instant,
          tiers: z.array(drillTierSchema),
          components: z.array(drillComponentSchema),
          checks: z.array(drillCheckSchema),
        }),
      )
      .optional(),
    /** The approval gate: whether the run needed one and how it was answered. */
    approval: z
      .strictObject({
        required: z.boolean(),
        decision: z.strictObject({ approved: z.literal(true), by: z.string(), force: z.boolean(), reason: z.string().nullable(), at: instant }).nullable(),
        error: error.nullable(),
      })
      .nullable()
      .optional(),
  })
  .superRefine((report, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (report.outcome === 'recovered' && report.reason !== null) issue(['reason'], 'must be null when the outcome is recovered');
    if (report.outcome !== 'recovered' && report.reason === null) issue(['reason'], `must say why the outcome is ${report.outcome}`);
    if (Date.parse(report.finishedAt) < Date.parse(report.startedAt)) issue(['finishedAt'], 'must not be before startedAt');
    if (report.outcome === 'recovered') {
      report.tiers.forEach((t, i) => {
        if (t.status !== 'recovered') issue(['tiers', i, 'status'], 'must be recovered when the outcome is recovered');
      });
      report.components.forEach((c, i) => {
        if (c.status === 'failed' || c.status === 'not-started') issue(['components', i, 'status'], `must not be ${c.status} when the outcome is recovered`);
      });
    }
    const tierIds = new Set(report.tiers.map((t) => t.id));
    report.components.forEach((c, i) => {
      if (!tierIds.has(c.tier)) issue(['components', i, 'tier'], `names tier "${c.tier}", which is not in tiers`);
      if (c.status === 'failed' && c.error === null) issue(['components', i, 'error'], 'must name the error of a failed component');
      if (c.status === 'not-started' && (c.startedAt !== null || c.attempts !== 0)) issue(['components', i], 'a component not started has no startedAt and no attempts');
      if (c.startedAt && c.finishedAt && Date.parse(c.finishedAt) < Date.parse(c.startedAt)) issue(['components', i, 'finishedAt'], 'must not be before startedAt');
    });
    report.tiers.forEach((t, i) => {
      if (t.status === 'recovered' && t.achievedMinutes === null) issue(['tiers', i, 'achievedMinutes'], 'a recovered tier has an achieved RTO');
      if (t.achievedMinutes !== null && t.met !== null && t.met !== t.achievedMinutes <= t.rtoTargetMinutes) {
        issue(['tiers', i, 'met'], `must be ${t.achievedMinutes <= t.rtoTargetMinutes} for ${t.achievedMinutes} of ${t.rtoTargetMinutes} min`);
      }
    });
    report.rpo.forEach((p, i) => {
      if (p.measuredMinutes !== null && p.met !== (p.measuredMinutes <= p.targetMinutes)) {
        issue(['rpo', i, 'met'], `must be ${p.measuredMinutes <= p.targetMinutes} for ${p.measuredMinutes} of ${p.targetMinutes} min`);
      }
      if (p.measuredMinutes === null && p.met !== null) issue(['rpo', i, 'met'], 'must be null when nothing was measured');
    });
  });

export type DrillReportJson = z.infer<typeof drillReportSchema>;
