import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from '../../../support/cli.ts';

// Paths relative to the repository root, as a person types them (and as the contract prints them).
const EXAMPLE = 'examples/dataset-platform.plan.yml';
const BAD = 'test/fixtures/plans/several-problems.yml';

/** What `validate` must print for BAD: `FILE: path: message`, one line per problem, in this order. */
const BAD_LINES = [
  `${BAD}: components.0.params.replicaDbInstanceIdentifier: required for type "rds-replica-promotion": expected string`,
  `${BAD}: components.1.params.primaryHealthCheckId: required when mode is health-check`,
  expect.stringMatching(new RegExp(`^${BAD}: components\\.2\\.type: unknown component type "ecs-service"; use one of rds-replica-promotion, .*, manual$`)),
  expect.stringMatching(new RegExp(`^${BAD}: owner: unknown key "owner"; allowed here: apiVersion, name, `)),
  `${BAD}: tiers.1.rtoClass: unknown RTO class "standard"; define it under rtoClasses (critical, business)`,
  `${BAD}: tiers.1.dependsOn.1: depends on unknown tier "tier-0"`,
  `${BAD}: scenarios.1.components.0: unknown component "core-db"`,
  `${BAD}: scenarios.1.triggers.alarms.0: alarm "dataset-platform-tokyo-region-down" already triggers scenario "region-outage"; one alarm starts one scenario`,
];


describe('dr-autopilot validate', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-validate-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('exits 0 for the example plan and prints one summary line', async () => {
    // Act
    const run = await cli('validate', '--plan', EXAMPLE);
    // Assess
    expect(run).toEqual({
      code: 0,
      out: [`${EXAMPLE}: valid plan "dataset-platform" (ap-northeast-1 -> ap-northeast-3): 4 tiers, 14 components, 5 scenarios`],
      err: [],
    });
  });

  it('exits 2 for an invalid plan and prints every problem as FILE: path: message on stderr', async () => {
    const run = await cli('validate', '--plan', BAD);
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual(BAD_LINES);
  });

  it('prints a single cross-reference problem of a changed example with the file name as given', async () => {
    // Prepare: the example with tier 3 needing a faster RTO than tier 2 it depends on
    const raw = parse(readFileSync(path.join(ROOT, EXAMPLE), 'utf8'));
    raw.tiers[2].rtoClass = 'critical';
    const file = path.join(scratch, 'faster-tier-3.plan.yml');
    writeFileSync(file, stringify(raw));
    // Act
    const run = await cli('validate', '--plan', file);
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual([
      `${file}: tiers.2.rtoClass: RTO target 240 min is shorter than that of tier "tier-2" it depends on (480 min); it cannot be met before its dependency is`,
    ]);
  });

  it('exits 2 with a (file) line when the plan cannot be read', async () => {
    const run = await cli('validate', '--plan', 'no-such.plan.yml');
    expect(run.code).toBe(2);
    expect(run.err).toEqual([expect.stringMatching(/^no-such\.plan\.yml: \(file\): cannot read the plan file: ENOENT/)]);
  });

  it('prints each scenario\'s recovery order with --order', async () => {
    const run = await cli('validate', '--plan', EXAMPLE, '--order');
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    const text = run.out.join('\n');
    expect(text).toContain(
      [
        '',
        'scenario database-failure (unplanned, high): Database failure (primary database stopped)',
        '  1. tier-1 [RTO 240 min]',
        '       - core-database (rds-replica-promotion, RPO 15 min)',
        '',
        'scenario storage-failure (unplanned, high): Storage failure (S3 bucket failure)',
        '  2. tier-2 [RTO 480 min, after tier-1]',
        '       - dataset-restore (s3-version-restore, RPO 60 min)',
      ].join('\n'),
    );
    const outage = text.slice(text.indexOf('scenario region-outage'), text.indexOf('scenario database-failure'));
    expect(outage.split('\n').filter((l) => /^ {2}\d\. /.test(l))).toEqual([
      '  1. tier-1 [RTO 240 min]',
      '  2. tier-2 [RTO 480 min, after tier-1]',
      '  3. tier-3 [RTO 480 min, after tier-1, tier-2]',
      '  4. tier-4 [RTO 1440 min, after tier-1, tier-2, tier-3]',
    ]);
    expect(outage).toContain('       - backup-system (backup-restore, RPO 1440 min)');
    expect(outage).not.toContain('dataset-restore');
  });

  it('prints no recovery order without --order, nor for an invalid plan', async () => {
    expect((await cli('validate', '--plan', EXAMPLE)).out.join('\n')).not.toContain('scenario ');
    const bad = await cli('validate', '--plan', BAD, '--order');
    expect(bad.code).toBe(2);
    expect(bad.out).toEqual([]);
  });

  it.each([
    ['a missing --plan', ['validate'], /required option '--plan <file>' not specified/],
    ['--plan without a value', ['validate', '--plan'], /option '--plan <file>' argument missing/],
    ['an unknown command', ['verify', '--plan', EXAMPLE], /unknown command 'verify'/],
    ['an unknown flag', ['validate', '--plan', EXAMPLE, '--strict'], /unknown option '--strict'/],
    ['an extra argument', ['validate', '--plan', EXAMPLE, 'other.yml'], /too many arguments/],
    ['no command at all', [], /Usage: dr-autopilot/],
  ])('exits 2 for %s and says why on stderr', async (_label, argv, why) => {
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err.join('\n')).toMatch(why);
  });

  it('exits 0 for --help', async () => {
    const run = await cli('validate', '--help');
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toContain('--plan <file>');
  });
});

describe('bin/dr-autopilot.mjs', () => {
  it('runs on Node 22 and exits 2 with the problems on stderr for an invalid plan', () => {
    // Act: the real entry point, as `npx dr-autopilot` runs it
    const child = spawnSync(process.execPath, ['bin/dr-autopilot.mjs', 'validate', '--plan', BAD], { cwd: ROOT, encoding: 'utf8' });
    // Assess
    expect(child.error).toBeUndefined();
    expect(child.stdout).toBe('');
    expect(child.stderr.trimEnd().split('\n')).toEqual(BAD_LINES);
    expect(child.status).toBe(2);
  });
});
