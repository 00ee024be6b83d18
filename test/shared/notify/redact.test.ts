import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, scrubExternal, type LeakKind } from '../../../shared/notify/redact.ts';
import { renderNotices } from '../../../shared/notify/render.ts';
import { noticeFacts, type NoticeFacts } from '../../../shared/notify/stages.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import type { RunState, RunSummary } from '../../../shared/run/types.ts';
import { abortedSummary, completedSummary, failedSummary, loadExamplePlan, minutesAfter, regionOutage, tierFailed, tierRecovered } from './fixtures.ts';

// ---- what must never reach an outsider -------------------------------------------------------------

const hex = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));
const account = fc.stringMatching(/^\d{12}$/);
const region = fc.constantFrom('ap-northeast-1', 'ap-northeast-3', 'us-east-1', 'eu-west-1', 'us-gov-west-1');
const word = fc.stringMatching(/^[a-z][a-z0-9-]{2,20}[a-z0-9]$/);

const arn = fc
  .tuple(fc.constantFrom('rds', 'ec2', 'secretsmanager', 'states', 'sns', 'lambda', 's3', 'iam', 'cloudwatch'), region, account, word)
  .map(([service, r, acct, name]) => `arn:aws:${service}:${r}:${acct}:${service === 'rds' ? 'db' : 'resource'}:${name}`);
const resourceId = fc
  .tuple(fc.constantFrom('i', 'sg', 'subnet', 'vpc', 'vol', 'snap', 'ami', 'eni', 'db', 'fs', 'rtb', 'igw', 'nat', 'lt'), fc.oneof(hex(8, 8), hex(17, 17)))
  .map(([prefix, id]) => `${prefix}-${id}${/\d/.test(id) ? '' : '0'}`);
const hostname = fc.oneof(
  fc.domain(),
  fc.tuple(word, region).map(([name, r]) => `${name}.cluster-c1a2b3c4d5e6.${r}.rds.amazonaws.com`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => `ip-${o.join('-')}.ap-northeast-1.compute.internal`),
);
const stackTrace = fc
  .tuple(fc.constantFrom('TypeError', 'RangeError', 'ThrottlingException', 'DBInstanceNotFoundFault', 'InvalidParameterException'), word, fc.nat(500))
  .map(([name, fn, line]) => `${name}: Cannot read properties of undefined\n    at ${fn} (/var/task/index.mjs:${line}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`);
const leak = fc.oneof(
  arn,
  account,
  fc.ipV4(),
  fc.ipV6(),
  hostname,
  resourceId,
  fc.emailAddress(),
  fc.webUrl(),
  stackTrace,
  fc.uuid(),
  fc.constantFrom('ECONNREFUSED 10.0.3.17:5432', 'Z0EXAMPLE123ABC', 'AKIAIOSFODNN7EXAMPLE', 's3://dataset-platform-tokyo/datasets/'),
);
/** A string field full of identifiers: one to four leaks, joined by spaces or line breaks. */
const leaky = fc.array(leak, { minLength: 1, maxLength: 4 }).chain((parts) => fc.constantFrom(' ', '\n', ' / ').map((sep) => parts.join(sep)));

/** Every string in `value` replaced, in turn, by the leaky strings (enum fields the stage needs are kept). */
function leakify<T>(value: T, leaks: string[], keep: ReadonlySet<string>): T {
  let i = 0;
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return keep.has(key) ? v : leaks[i++ % leaks.length];
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, '') as T;
}

/** The tokens a leak is made of: none may appear in an external notice. */
const tokensOf = (leaks: string[]) => [...new Set(leaks.flatMap((l) => [l, ...l.split(/[\s()]+/)]).filter((t) => t.length >= 6))];

/** The S3 console page of a run's report.html (shared/report/store.ts consoleUrl): the internal notices' link. */
const REPORT_URL = 'https://ap-northeast-3.console.aws.amazon.com/s3/object/dr-autopilot-prod-reports?region=ap-northeast-3&prefix=reports%2Fdataset-platform%2Frun-1%2Freport.html';

let plan: Plan;
let state: RunState;
let summaries: { completed: RunSummary; failed: RunSummary; aborted: RunSummary };

function allFacts(s: RunState, sums: typeof summaries, leaks: string[]): NoticeFacts[] {
  const keep = new Set(['outcome']);
  const run = leakify(s.run, leaks, keep);
  const tiers = leakify(s.tiers, leaks, keep);
  const recovered = tierRecovered(s, 38).state;
  const failed = tierFailed(s, 'core-database', 42, { name: leaks[0]!, message: leaks[1 % leaks.length]! }).state;
  const now = minutesAfter(45);
  return [
    noticeFacts('run-started', { run, tiers }, { now, plan }),
    noticeFacts('approval-needed', { run, approval: leakify(s.approval, leaks, keep), tiers }, { now, plan }),
    noticeFacts('tier-recovered', { run, tier: leakify(recovered.results.tiers, leaks, keep), tiers, progress: { done: 1, total: 4 } }, { now, plan }),
    noticeFacts('component-failed', { run, components: leakify(failed.results.components, leaks, new Set(['outcome', 'status'])) }, { now, plan }),
    // The final notices' report (internal only): a console link with a leaky location, or a leaky failure.
    noticeFacts('run-completed', { summary: { ...leakify(sums.completed, leaks, keep), report: { uri: leaks[0]!, url: REPORT_URL } } }, { now: minutesAfter(311), plan }),
    noticeFacts('run-failed', { summary: { ...leakify(sums.failed, leaks, keep), report: { error: leaks[1 % leaks.length]! } }, executionId: leaks[0] }, { now, plan }),
    noticeFacts('run-aborted', { summary: { ...leakify(sums.aborted, leaks, keep), report: { uri: leaks[2 % leaks.length]!, url: REPORT_URL } } }, { now, plan }),
  ];
}

describe('shared/notify/redact', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
    summaries = { completed: await completedSummary(), failed: await failedSummary(), aborted: await abortedSummary() };
  });

  it('finds each kind of identifier, address and error text', () => {
    const cases: [string, LeakKind][] = [
      ['arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db', 'arn'],
      ['https://hooks.slack.com/services/T000/B000/XXXX', 'url'],
      ['oncall@example.com', 'email'],
      ['dataset-db.c1a2b3.ap-northeast-1.rds.amazonaws.com', 'hostname'],
      ['ip-10-0-3-17', 'ec2-hostname'],
      ['10.0.3.17', 'ipv4'],
      ['2001:db8::8a2e:370:7334', 'ipv6'],
      ['fe80::1', 'ipv6'],
      ['123456789012', 'account-id'],
      ['i-0123456789abcdef0', 'resource-id'],
      ['sg-0d1e2f3a4b5c6d7e8', 'resource-id'],
      ['subnet-0a1b2c3d', 'resource-id'],
      ['Z0EXAMPLE123ABC', 'hosted-zone-id'],
      ['5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b', 'uuid'],
      ['0123456789abcdef0123', 'hex-id'],
      ['AKIAIOSFODNN7EXAMPLE', 'access-key'],
      ['ap-northeast-3', 'region'],
      ['/var/task/index.mjs', 'path'],
      ['DBInstanceNotFoundFault', 'error-text'],
      ['Error: boom', 'error-text'],
      ['    at handler (/var/task/index.mjs:1:2)', 'error-text'],
      ['ECONNREFUSED', 'error-text'],
      ['AQCEAAAAKgAAAAMAAAAAAAAAAf3h0secretApprovalToken0123456789', 'token'],
    ];
    for (const [text, kind] of cases) expect(findLeaks(`before ${text} after`).map((l) => l.kind), text).toContain(kind);
  });

  it('does not mistake the words, times and dates of a notice for identifiers', () => {
    const clean = [
      'Began: 2026-11-29 10:05 JST',
      'Expected full recovery: by 2026-11-30 10:05 JST (within 24 h of the start)',
      '発生日時: 2026年11月29日 10:05（日本時間）',
      'Status: Recovery in progress (1 of 4 recovery stages completed)',
      'The service was restored at 2026-11-29 15:15 JST, 5 h 10 min after the disruption began.',
      'Default settings. Thank you for your patience.',
    ];
    for (const text of clean) expect(findLeaks(text), text).toEqual([]);
  });

  it('replaces what it finds (production) or refuses (strict)', () => {
    const text = 'Restored at 10:05 JST; instance i-0123456789abcdef0 at 10.0.3.17 (arn:aws:rds:ap-northeast-1:123456789012:db:x)';
    const scrubbed = scrubExternal(text);
    expect(scrubbed.text).toBe('Restored at 10:05 JST; instance […] at […] ([…])');
    expect(scrubbed.leaks).toEqual(expect.arrayContaining(['arn', 'ipv4', 'resource-id']));
    expect(findLeaks(scrubbed.text)).toEqual([]);
    expect(() => scrubExternal(text, { strict: true })).toThrow(expect.objectContaining({ name: 'ExternalLeakError' }));
  });

  it('property: run states and summaries full of ARNs, account ids, hosts, IPs, resource ids and stack traces leak nothing into any external notice', () => {
    let externalNotices = 0;
    fc.assert(
      fc.property(fc.array(leaky, { minLength: 3, maxLength: 12 }), (leaks) => {
        const tokens = tokensOf(leaks);
        for (const facts of allFacts(state, summaries, leaks)) {
          // strict: the final scrubber throws if anything it knows got through the allowlist.
          for (const n of renderNotices(facts, plan.stakeholders.audiences, { strict: true })) {
            if (n.kind !== 'external') continue;
            externalNotices += 1;
            for (const text of [n.subject, n.body, n.message]) {
              expect(findLeaks(text)).toEqual([]);
              expect(text).not.toContain('console.aws.amazon.com');
              for (const token of tokens) expect(text).not.toContain(token);
            }
            expect(n.redacted).toEqual([]);
          }
        }
      }),
      { numRuns: 250 },
    );
    // 250 runs × 5 external stages × 2 languages.
    expect(externalNotices).toBe(2500);
  });

  it('property: the internal notices of the same inputs still render (and carry the identifiers operations need)', () => {
    fc.assert(
      fc.property(fc.array(leaky, { minLength: 3, maxLength: 6 }), (leaks) => {
        for (const facts of allFacts(state, summaries, leaks)) {
          for (const n of renderNotices(facts, plan.stakeholders.audiences, { strict: true }).filter((x) => x.kind === 'internal')) {
            expect(n.subject.length).toBeLessThan(100);
            expect(n.subject).not.toMatch(/[\r\n]/);
            expect(JSON.parse(n.message)).toMatchObject({ version: '1.0', source: 'custom' });
            // Near the top (after the plan line), so a long description cut to Chatbot's limit keeps it.
            if (facts.internal.report) expect(n.chat!.content.description).toMatch(/\n\*(?:Report|レポート):\* [^\n]+\n/);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
