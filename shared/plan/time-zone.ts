import { z } from 'zod';
import { DEFAULT_TIME_ZONE } from '../notify/text.ts';
import { didYouMean } from './suggest.ts';

/**
 * An IANA time zone name the runtime's Intl knows (`Asia/Tokyo`, `Europe/Berlin`, `UTC`; also older names
 * such as `Asia/Calcutta`): what the notices format times in. An abbreviation (`JST`, `EST`) or an offset
 * (`+09:00`) is refused: Intl reads `EST` as America/Panama, and an offset ignores daylight saving time.
 */
export function isTimeZone(value: string): boolean {
  if (value !== 'UTC' && !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(value)) return false;
  try {
    // Throws RangeError for a name Intl does not know (case aside: Intl reads names case-insensitively).
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** What to write instead of `value`: the name in its own case (`asia/tokyo`), else the nearest name, if any is near. */
function suggestion(value: string): string {
  if (/^[A-Z]{2,5}$/.test(value)) return ': an abbreviation can mean several zones';
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    if (resolved.toLowerCase() === value.toLowerCase() && isTimeZone(resolved)) return `; did you mean ${resolved}?`;
  } catch {
    // Not a zone at all: the nearest name, if any is near.
  }
  return didYouMean(value, ['UTC', ...Intl.supportedValuesOf('timeZone')]);
}

export const timeZoneMessage = (value: string) =>
  `unknown time zone "${value}"${suggestion(value)} (write an IANA name such as ${DEFAULT_TIME_ZONE}, Europe/Berlin or UTC)`;

/** A plan field holding a time zone (IANA name). */
export const ianaTimeZone = z.string().check((ctx) => {
  if (!isTimeZone(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, message: timeZoneMessage(ctx.value) });
});
