import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';

/**
 * The two ways a run starts (contracts.md "Execution input"):
 * - from the AWS console: { scenario, mode, reason, requestedBy } (+ incidentStartedAt when the incident began earlier);
 * - from an alarm: the EventBridge "CloudWatch Alarm State Change" event as AWS delivers it, or the
 *   starter's summary of it ({ trigger: "alarm", alarmName, alarmArn, stateChangedAt, reason }).
 */
export const consoleInput = z.strictObject({
  scenario: z.string().min(1, 'name the scenario to run, e.g. "region-outage"'),
  mode: z.enum(['planned', 'unplanned']),
  reason: z.string().min(3, 'say why the recovery is started (at least 3 characters)').max(1000),
  requestedBy: z.string().min(1, 'say who starts the recovery').max(200),
  incidentStartedAt: z.iso.datetime({ offset: true }).optional(),
});

export const alarmInput = z.strictObject({
  trigger: z.literal('alarm'),
  alarmName: z.string().min(1),
  alarmArn: z.string().regex(/^arn:aws[a-z-]*:cloudwatch:/, 'must be a CloudWatch alarm ARN'),
  stateChangedAt: z.iso.datetime({ offset: true }),
  reason: z.string().default(''),
});

export const alarmEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    state: z.object({
      value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      reason: z.string().default(''),
      timestamp: z.string().min(1),
    }),
  }),
});

export type ConsoleInput = z.infer<typeof consoleInput>;

export interface RunTrigger {
  kind: 'console' | 'alarm';
  /** console: who started it; alarm: the alarm name. */
  by: string;
  reason: string;
  alarmArn?: string;
}

export interface StartRequest {
  scenario?: string;
  mode?: 'planned' | 'unplanned';
  alarmName?: string;
  incidentStartedAt?: string;
  trigger: RunTrigger;
}

function invalid(error: z.ZodError, what: string): InvalidInputError {
  const field = error.issues[0]!.path.map(String).join('.') || '(input)';
  const all = error.issues.map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`).join('; ');
  return new InvalidInputError(`${what}: ${all}`, {
    field,
    issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

/** CloudWatch writes alarm timestamps as 2026-11-29T01:00:00.000+0000; normalise to ISO-8601 UTC. */
export function normaliseTimestamp(value: string, field: string): string {
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field}: not a timestamp: "${value}"`, { field });
  return new Date(ms).toISOString();
}

/** Parses any execution input into a start request, or throws InvalidInputError naming the field. */
export function parseExecutionInput(input: unknown): StartRequest {
  const obj = (input ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError('(input): the execution input must be a JSON object', { field: '(input)' });
  }
  if (obj.source === 'aws.cloudwatch') {
    const parsed = alarmEvent.safeParse(input);
    if (!parsed.success) throw invalid(parsed.error, 'alarm event');
    const { detail } = parsed.data;
    if (detail.state.value !== 'ALARM') {
      throw new InvalidInputError(`detail.state.value: the alarm is ${detail.state.value}, only ALARM starts a recovery`, {
        field: 'detail.state.value',
      });
    }
    return {
      alarmName: detail.alarmName,
      incidentStartedAt: normaliseTimestamp(detail.state.timestamp, 'detail.state.timestamp'),
      trigger: { kind: 'alarm', by: detail.alarmName, reason: detail.state.reason, alarmArn: parsed.data.resources[0] },
    };
  }
  if (obj.trigger === 'alarm') {
    const parsed = alarmInput.safeParse(input);
    if (!parsed.success) throw invalid(parsed.error, 'alarm input');
    return {
      alarmName: parsed.data.alarmName,
      incidentStartedAt: normaliseTimestamp(parsed.data.stateChangedAt, 'stateChangedAt'),
      trigger: { kind: 'alarm', by: parsed.data.alarmName, reason: parsed.data.reason, alarmArn: parsed.data.alarmArn },
    };
  }
  const parsed = consoleInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error, 'console input');
  return {
    scenario: parsed.data.scenario,
    mode: parsed.data.mode,
    incidentStartedAt: parsed.data.incidentStartedAt,
    trigger: { kind: 'console', by: parsed.data.requestedBy, reason: parsed.data.reason },
  };
}
