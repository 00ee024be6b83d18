import type { AlarmEvent } from './alarm-event.ts';
import { parseTimestamp } from './alarm-event.ts';

/**
 * What an ALARM event of a trigger alarm asks for when its actions are held back: CloudWatch still
 * sends the state change to EventBridge, with why in the event (`state.actionsSuppressedBy`, `muteDetail`:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html), so the
 * starter decides, not the rule's pattern: an ignored event must still reach on-call.
 *
 * - `actionsSuppressedBy: Alarm` (the suppressor alarm is in ALARM: the user's maintenance window) and
 *   `ExtensionPeriod` (the window just ended; the suppressor's extension still holds actions back), and
 *   an alarm mute rule whose window holds the event's time: ignored. No run starts; on-call hears of it.
 * - `WaitPeriod`: the suppressor may still go to ALARM. The run is deferred: its execution waits in Step
 *   Functions until the wait period has passed, then re-reads the alarm (shared/run/trigger-recheck.ts)
 *   and goes on only if it is still ALARM and no longer suppressed or muted.
 */
export type TriggerDecision =
  | { action: 'start' }
  | { action: 'ignore'; cause: 'suppressed' | 'muted'; reason: string; by: string }
  | { action: 'defer'; until: string; reason: string; by: string };

/** The wait when a WaitPeriod event does not say how long (the event's configuration is optional): CloudWatch's own maximum is unknown here, so a minute, then the live state decides. */
export const WAIT_PERIOD_FALLBACK_SECONDS = 60;

/** How an ALARM event of a trigger alarm is treated (its state is ALARM: the caller checked). */
export function decideTrigger(detail: AlarmEvent['detail'], eventTime?: string): TriggerDecision {
  const alarm = detail.alarmName;
  const suppressor = detail.configuration?.actionsSuppressor;
  const by = suppressor ? `suppressor alarm ${suppressor}` : 'its suppressor alarm';
  const changedAt = parseTimestamp(detail.state.timestamp);
  const mute = detail.muteDetail;
  if (mute) {
    // The window is checked against the state change (the moment the actions would have run), else the envelope's time.
    const at = Number.isNaN(changedAt) ? parseTimestamp(eventTime ?? '') : changedAt;
    const start = parseTimestamp(mute.muteWindowStart);
    const end = parseTimestamp(mute.muteWindowEnd);
    if (at >= start && at < end) {
      return {
        action: 'ignore',
        cause: 'muted',
        by: mute.mutedByArn,
        reason: `alarm ${alarm} is muted by alarm mute rule ${mute.mutedByArn} (window ${iso(start)} to ${iso(end)}): its actions are off, so no recovery starts`,
      };
    }
  }
  switch (detail.state.actionsSuppressedBy) {
    case 'Alarm':
      return { action: 'ignore', cause: 'suppressed', by: suppressor ?? 'Alarm', reason: `alarm ${alarm}'s actions are suppressed by ${by} (in ALARM: a maintenance window), so no recovery starts` };
    case 'ExtensionPeriod': {
      const seconds = detail.configuration?.actionsSuppressorExtensionPeriod;
      return {
        action: 'ignore',
        cause: 'suppressed',
        by: suppressor ?? 'ExtensionPeriod',
        reason: `alarm ${alarm}'s actions are suppressed by ${by}'s extension period${seconds === undefined ? '' : ` (${seconds} s)`} after it went back to OK, so no recovery starts`,
      };
    }
    case 'WaitPeriod': {
      const seconds = detail.configuration?.actionsSuppressorWaitPeriod ?? WAIT_PERIOD_FALLBACK_SECONDS;
      const from = Number.isNaN(changedAt) ? Date.now() : changedAt;
      const until = iso(from + seconds * 1000);
      return {
        action: 'defer',
        until,
        by: suppressor ?? 'WaitPeriod',
        reason: `alarm ${alarm}'s actions wait for ${by}'s wait period (${seconds} s, until ${until}): the alarm is read again then, and the recovery starts only if it is still ALARM and no longer suppressed`,
      };
    }
    default:
      return { action: 'start' };
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
