import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanValidationError, type PlanIssue } from '../../../shared/errors.ts';
import { parsePlan } from '../../../shared/plan/load.ts';
import { isTimeZone } from '../../../shared/plan/time-zone.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));
type RawPlan = ReturnType<typeof parse>;

const withStakeholders = (change: (raw: RawPlan) => void): string => {
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
  change(raw);
  return stringify(raw);
};

function issuesAfter(change: (raw: RawPlan) => void): PlanIssue[] {
  try {
    parsePlan(withStakeholders(change), 'broken.plan.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

describe('stakeholders.timeZone: the time zone of every notice', () => {
  it('defaults to Asia/Tokyo (plans written before the field keep their notices as they were)', () => {
    expect(parsePlan(withStakeholders(() => {})).stakeholders.timeZone).toBe('Asia/Tokyo');
  });

  it('takes any IANA name the runtime knows', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'America/Argentina/Buenos_Aires', 'Etc/GMT-9']) {
      expect(parsePlan(withStakeholders((raw) => (raw.stakeholders.timeZone = zone))).stakeholders.timeZone).toBe(zone);
    }
  });

  it('refuses a mistyped name, naming the one meant', () => {
    expect(issuesAfter((raw) => (raw.stakeholders.timeZone = 'Europe/Berln'))).toEqual([
      { path: 'stakeholders.timeZone', message: 'unknown time zone "Europe/Berln"; did you mean Europe/Berlin? (write an IANA name such as Asia/Tokyo, Europe/Berlin or UTC)' },
    ]);
    expect(issuesAfter((raw) => (raw.stakeholders.timeZone = 'utc'))).toEqual([
      { path: 'stakeholders.timeZone', message: 'unknown time zone "utc"; did you mean UTC? (write an IANA name such as Asia/Tokyo, Europe/Berlin or UTC)' },
    ]);
  });

  it('refuses an abbreviation (EST is not New York) and an offset (no daylight saving time)', () => {
    expect(issuesAfter((raw) => (raw.stakeholders.timeZone = 'EST'))).toEqual([
      { path: 'stakeholders.timeZone', message: 'unknown time zone "EST": an abbreviation can mean several zones (write an IANA name such as Asia/Tokyo, Europe/Berlin or UTC)' },
    ]);
    expect(issuesAfter((raw) => (raw.stakeholders.timeZone = '+09:00'))).toEqual([
      { path: 'stakeholders.timeZone', message: 'unknown time zone "+09:00" (write an IANA name such as Asia/Tokyo, Europe/Berlin or UTC)' },
    ]);
    expect(isTimeZone('JST')).toBe(false);
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
  });

  it('names the field when it is spelt like the test programme\'s (timezone)', () => {
    expect(issuesAfter((raw) => (raw.stakeholders.timezone = 'Europe/Berlin'))).toEqual([
      { path: 'stakeholders.timezone', message: 'unknown key "timezone"; allowed here: audiences, timeZone' },
    ]);
  });
});

describe('stakeholders.audiences[].languages', () => {
  it('refuses a language there are no notices in, naming the supported ones', () => {
    expect(issuesAfter((raw) => (raw.stakeholders.audiences[1].languages = ['ja', 'fr']))).toEqual([
      { path: 'stakeholders.audiences.1.languages.1', message: 'unsupported language "fr"; supported: ja, en' },
    ]);
  });
});
