/**
 * Text helpers for notices: limits counted the way SNS and the chat services count them, cuts made at
 * code-point boundaries (a surrogate pair or a Japanese character is never split), times and durations
 * in either language.
 */

/** The languages notices are written in (each has its templates under shared/notify/templates). */
export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** SNS Publish: Subject fewer than 100 characters, no line breaks or control characters (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
export const MAX_SUBJECT_CHARS = 99;
/** SNS Publish: a message is at most 256 KB (262,144 bytes of UTF-8). */
export const MAX_MESSAGE_BYTES = 262_144;

const ELLIPSIS = '…';

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line: every run of whitespace or control characters becomes one space. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * At most `maxUnits` UTF-16 code units (what JavaScript's `length` and SNS's character count see),
 * cut at a code-point boundary with an ellipsis when anything was cut.
 */
export function clip(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let out = '';
  for (const point of text) {
    if (out.length + point.length + ELLIPSIS.length > maxUnits) break;
    out += point;
  }
  return out + ELLIPSIS;
}

/** An SNS subject: one line, fewer than 100 characters, never empty. */
export function subjectLine(text: string): string {
  const line = oneLine(text);
  return clip(line === '' ? 'dr-autopilot notice' : line, MAX_SUBJECT_CHARS);
}

/** At most `maxBytes` bytes of UTF-8, cut at a code-point boundary, with a note when cut. */
export function fitBytes(text: string, maxBytes = MAX_MESSAGE_BYTES, note = '\n… (truncated)'): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(note, 'utf8');
  let used = 0;
  let out = '';
  for (const point of text) {
    const size = Buffer.byteLength(point, 'utf8');
    if (used + size > budget) break;
    used += size;
    out += point;
  }
  return out + note;
}

/**
 * The time zone notices state times in when the plan does not say (`stakeholders.timeZone`, which
 * defaults to it): the first customer's, kept for plans written before the field existed.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

const ZONE_LABEL: Record<string, { ja: string; en: string }> = {
  'Asia/Tokyo': { ja: '日本時間', en: 'JST' },
  UTC: { ja: '協定世界時', en: 'UTC' },
};

/** The date and time fields of `iso` in the zone, and the zone's canonical name (`asia/tokyo` → Asia/Tokyo) as `zone`. */
function parts(iso: string, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return { ...Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value])), zone: format.resolvedOptions().timeZone };
}

/** `2026-11-29 10:05 JST` / `2026年11月29日 10:05（日本時間）`. */
export function formatTime(iso: string, language: Language, timeZone = DEFAULT_TIME_ZONE): string {
  if (Number.isNaN(Date.parse(iso))) return language === 'ja' ? '不明' : 'unknown';
  const p = parts(iso, timeZone);
  const label = ZONE_LABEL[p.zone ?? timeZone]?.[language] ?? p.timeZoneName ?? timeZone;
  return language === 'ja'
    ? `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}（${label}）`
    : `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${label}`;
}

/** 38 -> `38 min` / `38分`; 240 -> `4 h` / `4時間`; 65 -> `1 h 5 min` / `1時間5分`. */
export function formatMinutes(minutes: number, language: Language): string {
  const total = Math.max(0, Math.round(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (language === 'ja') return h === 0 ? `${m}分` : m === 0 ? `${h}時間` : `${h}時間${m}分`;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Minutes from `from` to `to` (ISO-8601), never negative; null when either is not a time. */
export function minutesBetween(from: string, to: string): number | null {
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  const minutes = Math.max(0, (b - a) / 60_000);
  return minutes > MAX_PLAUSIBLE_MINUTES ? null : minutes;
}

/** Durations beyond ten years are not figures anyone plans with: treated as unknown. */
export const MAX_PLAUSIBLE_MINUTES = 10 * 366 * 24 * 60;

/** `iso` + `minutes` (ISO-8601), or '' when either is not a usable time or duration. */
export function addMinutes(iso: string, minutes: number): string {
  const t = Date.parse(iso) + minutes * 60_000;
  if (!Number.isFinite(minutes) || Math.abs(minutes) > MAX_PLAUSIBLE_MINUTES || !Number.isFinite(t)) return '';
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The last segment of an execution ARN (its name), or the whole text when it is not an ARN. */
export function executionName(idOrArn: string): string {
  const last = idOrArn.split(':').at(-1);
  return last && last !== '' ? last : idOrArn;
}
