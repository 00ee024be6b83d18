import { _default, boolean, enum as zEnum, lazy, literal, maxLength, minLength, optional, refine, regex, strictObject, string, type output } from 'zod/mini';
import { InvalidInputError } from '../errors.ts';
import { alarmEvent, normaliseTimestamp, parseTimestamp, TIMESTAMP_MESSAGE } from './alarm-event.ts';
import { invalidInput } from './task-input.ts';
import { INPUT_PARSE } from './schema-messages.ts';

export { alarmEvent, normaliseTimestamp };

const timestamp = string().check(refine((v) => !Number.isNaN(parseTimestamp(v)), { message: TIMESTAMP_MESSAGE }));

/**
 * The two ways a run starts (README.md#start-a-recovery-from-the-aws-console and README.md#deploy):
 * - from the AWS console: { scenario, mode, reason, requestedBy } (+ incidentStartedAt when the incident began earlier);
 * - from an alarm: the EventBridge "CloudWatch Alarm State Change" event as AWS delivers it, or the
 *   starter's summary of it ({ trigger: "alarm", alarmName, alarmArn, stateChangedAt, reason }).
 */
export const consoleInput = lazy(() =>
  strictObject({
    scenario: string().check(minLength(1, 'name the scenario to run, e.g. "region-outage"')),
    mode: zEnum(['planned', 'unplanned']),
    reason: string().check(minLength(3, 'say why the recovery is started (at least 3 characters)'), maxLength(1000)),
    requestedBy: string().check(minLength(1, 'say who starts the recovery'), maxLength(200)),
    incidentStartedAt: optional(timestamp),
    /** Continue an earlier run of this incident (its execution ARN): components it recovered are skipped. */
    resumeOf: optional(string().check(regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/, 'must be the execution ARN of an earlier run of this plan'))),
    /** Start even though the plan's previous recovery ended less than safety.cooldownMinutes ago. */
    ignoreCooldown: optional(boolean()),
  }),
);

export const alarmInput = lazy(() =>
  strictObject({
    trigger: literal('alarm'),
    alarmName: string().check(minLength(1)),
    alarmArn: string().check(regex(/^arn:aws[a-z-]*:cloudwatch:/, 'must be a CloudWatch alarm ARN')),
    stateChangedAt: timestamp,
    reason: _default(string(), ''),
    /**
     * The starter deferred the run: the alarm was in its suppressor's wait period (shared/run/suppression.ts).
     * The execution waits until then, and Prepare Run re-reads the alarm before anything else.
     */
    deferUntil: optional(timestamp),
    deferReason: optional(string().check(maxLength(1000))),
  }),
);

export type ConsoleInput = output<typeof consoleInput>;

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
  /** The input field incidentStartedAt came from, for error messages. */
  incidentStartedAtField?: string;
  resumeOf?: string;
  ignoreCooldown?: boolean;
  trigger: RunTrigger;
  /** An alarm start the starter deferred for its suppressor's wait period: until when, and why. */
  deferred?: { until: string; reason: string };
}

/** Parses any execution input into a start request, or throws InvalidInputError naming the field. */
export function parseExecutionInput(input: unknown): StartRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidInputError('(input): the execution input must be a JSON object', { field: '(input)' });
  }
  const obj = input as Record<string, unknown>;
  // An EventBridge event (any source): only a CloudWatch alarm's state change starts a run.
  if ('source' in obj || 'detail-type' in obj) {
    const parsed = alarmEvent.safeParse(input, INPUT_PARSE);
    if (!parsed.success) throw invalidInput(parsed.error, 'alarm event');
    const { detail } = parsed.data;
    if (detail.state.value !== 'ALARM') {
      throw new InvalidInputError(`detail.state.value: the alarm is ${detail.state.value}, only ALARM starts a recovery`, {
        field: 'detail.state.value',
      });
    }
    return {
      alarmName: detail.alarmName,
      incidentStartedAt: normaliseTimestamp(detail.state.timestamp, 'detail.state.timestamp'),
      incidentStartedAtField: 'detail.state.timestamp',
      trigger: { kind: 'alarm', by: detail.alarmName, reason: detail.state.reason, alarmArn: parsed.data.resources[0] },
    };
  }
  if (obj.trigger === 'alarm') {
    const parsed = alarmInput.safeParse(input, INPUT_PARSE);
    if (!parsed.success) throw invalidInput(parsed.error, 'alarm input');
    return {
      alarmName: parsed.data.alarmName,
      incidentStartedAt: normaliseTimestamp(parsed.data.stateChangedAt, 'stateChangedAt'),
      incidentStartedAtField: 'stateChangedAt',
      trigger: { kind: 'alarm', by: parsed.data.alarmName, reason: parsed.data.reason, alarmArn: parsed.data.alarmArn },
      ...(parsed.data.deferUntil === undefined
        ? {}
        : { deferred: { until: normaliseTimestamp(parsed.data.deferUntil, 'deferUntil'), reason: parsed.data.deferReason ?? '' } }),
    };
  }
  const parsed = consoleInput.safeParse(input, INPUT_PARSE);
  if (!parsed.success) throw invalidInput(parsed.error, 'console input');
  return {
    scenario: parsed.data.scenario,
    mode: parsed.data.mode,
    incidentStartedAt:
      parsed.data.incidentStartedAt === undefined ? undefined : normaliseTimestamp(parsed.data.incidentStartedAt, 'incidentStartedAt'),
    incidentStartedAtField: 'incidentStartedAt',
    resumeOf: parsed.data.resumeOf,
    ignoreCooldown: parsed.data.ignoreCooldown,
    trigger: { kind: 'console', by: parsed.data.requestedBy, reason: parsed.data.reason },
  };
}
