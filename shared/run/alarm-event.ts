import { _default, array, enum as zEnum, lazy, literal, looseObject, minLength, number, object, optional, refine, string, type output } from 'zod/mini';
import { InvalidInputError } from '../errors.ts';

/**
 * The EventBridge "CloudWatch Alarm State Change" event as AWS delivers it, in zod/mini so the
 * starter function stays small (zod's full API adds ≈ 440 KiB to a bundle).
 */

/**
 * ISO-8601 date and time with seconds and a zone: `Z`, `+09:00`, or CloudWatch's `+0000` (alarm
 * state timestamps are written as 2019-10-02T17:04:40.989+0000).
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch of such a timestamp, or NaN when it is not one. */
export function parseTimestamp(value: string): number {
  return TIMESTAMP.test(value) ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
}

export const TIMESTAMP_MESSAGE = 'must be an ISO-8601 time with a zone, e.g. 2026-11-29T01:00:00Z or 2026-11-29T01:00:00.000+0000';

const timestamp = string().check(refine((v) => !Number.isNaN(parseTimestamp(v)), { message: TIMESTAMP_MESSAGE }));

export const alarmEvent = lazy(() =>
  object({
    source: literal('aws.cloudwatch'),
    'detail-type': literal('CloudWatch Alarm State Change'),
    /** The envelope's time (second precision): when EventBridge received the event. */
    time: optional(timestamp),
    resources: _default(array(string()), []),
    detail: object({
      alarmName: string().check(minLength(1)),
      state: object({
        value: zEnum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
        reason: _default(string(), ''),
        timestamp,
        /**
         * A composite alarm whose actions its suppressor alarm holds back (CompositeAlarm API
         * ActionsSuppressedBy): `Alarm` (the suppressor is in ALARM: a maintenance window), `WaitPeriod` (the
         * suppressor may still go to ALARM), `ExtensionPeriod` (the suppressor just went back to OK).
         */
        actionsSuppressedBy: optional(zEnum(['WaitPeriod', 'ExtensionPeriod', 'Alarm'])),
        actionsSuppressedReason: optional(string()),
      }),
      /** Composite alarms: the suppressor and its periods in seconds (other fields are kept as sent). */
      configuration: optional(
        looseObject({
          actionsSuppressor: optional(string()),
          actionsSuppressorWaitPeriod: optional(number()),
          actionsSuppressorExtensionPeriod: optional(number()),
        }),
      ),
      /** The alarm mute rule that mutes this alarm's actions, and its window (CloudWatch alarm mute rules). */
      muteDetail: optional(
        object({
          mutedByArn: string().check(minLength(1)),
          muteWindowStart: timestamp,
          muteWindowEnd: timestamp,
        }),
      ),
    }),
  }),
);

export type AlarmEvent = output<typeof alarmEvent>;

/** CloudWatch writes alarm timestamps as 2026-11-29T01:00:00.000+0000; normalise to ISO-8601 UTC. */
export function normaliseTimestamp(value: string, field: string): string {
  const ms = parseTimestamp(value);
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field}: not a timestamp: "${value}"`, { field });
  return new Date(ms).toISOString();
}
