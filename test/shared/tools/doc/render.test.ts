import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_TYPES } from '../../../../shared/components/registry.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import type { Plan } from '../../../../shared/plan/schema.ts';
import { renderPlanDocument, type LatestReport } from '../../../../shared/tools/doc/render.ts';
import { PROCEDURES } from '../../../../shared/tools/doc/words.ts';
import { cli, ROOT } from '../../../support/cli.ts';

const EXAMPLE = 'examples/dataset-platform.plan.yml';

const REPORT: LatestReport = {
  scenario: 'region-outage', outcome: 'recovered', reason: null, startedAt: '2026-11-29T00:00:00.000Z', finishedAt: '2026-11-29T03:18:10.000Z',
  tiers: [{ id: 'tier-1', order: 1, rtoTargetMinutes: 240, achievedMinutes: 45.08, met: true, status: 'recovered', startedAt: null, finishedAt: null }],
  rpo: [{ dataClass: 'transaction', targetMinutes: 15, measuredMinutes: 0.53, met: true, source: 'core-database: replica lag lost at promotion', uncertaintyMinutes: null, replicaLagMinutes: 0.53 }],
} as LatestReport;

let plan: Plan;
let scratch: string;

describe('the plan as the DR plan document (dr-autopilot doc)', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(path.join(ROOT, EXAMPLE));
    scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-doc-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('states how often readiness is assessed (the plan\'s readiness.intervalMinutes), in both languages', () => {
    // Prepare
    const hourly = { ...plan, readiness: { intervalMinutes: 60 } };
    // Act
    const en = renderPlanDocument(hourly, 'en');
    const ja = renderPlanDocument(hourly, 'ja');
    // Assess
    expect(en).toContain('is assessed in the recovery region every 60 min; operations are told when it changes');
    expect(ja).toContain('復旧リージョンで 60 分ごとに評価し');
  });

  it('states every objective, tier in order, component with its procedure and checks, scenario and audience of the plan', () => {
    // Act
    const doc = renderPlanDocument(plan, 'en');
    // Assess
    expect(doc.split('\n')[0]).toBe('# Disaster recovery plan: dataset-platform');
    expect(doc).toContain('| critical | 240 min | Critical systems: authentication, database, API gateway (4 h) |');
    expect(doc).toContain('| transaction | 15 min | Transaction data: database, transaction log (15 min) |');
    const tierRows = doc.split('\n').filter((l) => /^\| \d \| tier-/.test(l));
    expect(tierRows.map((l) => l.split(' | ')[1]!.split(' ')[0])).toEqual(['tier-1', 'tier-2', 'tier-3', 'tier-4']);
    expect(tierRows[1]).toContain('| 480 min | tier-1 |');
    for (const c of plan.components) {
      expect(doc).toContain(`### ${c.id}: ${c.name}`);
      expect(doc).toContain(PROCEDURES[c.type].en);
    }
    // One-way steps say they need approval; the others do not.
    expect(doc).toMatch(/### core-database:[^#]*\*\*One-way: needs approval in unplanned scenarios\.\*\*/);
    expect(doc).not.toMatch(/### authentication:[^#]*One-way/);
    expect(doc).toContain('- postgres-replication (`postgres-replication`, advisory; region-outage, database-failure, failback)');
    // The re-protect and failback stages say which way they run.
    expect(doc).toContain('### failback: Planned failback to Tokyo\n\nDatabase, traffic, dataset bucket and cache back to Tokyo, with no data loss.\n\nFailback: runs the plan in reverse, back to ap-northeast-1; only while the system runs in ap-northeast-3');
    for (const s of plan.scenarios) expect(doc).toContain(`### ${s.id}: ${s.name}`);
    expect(doc).toContain('Components: tier-1 (core-database)');
    expect(doc).toContain('| external | external | customers, vendors, regulators | ja, en |');
    expect(doc).toContain('- At most one recovery of the plan at a time; 60 min between recoveries.');
    expect(doc).toContain('No drill or run report was given');
    expect(doc).toContain('| monthly-failover-test: Monthly failover test (high-availability systems, 2 h, operations team) | database-failure | `cron(0 2 ? * SUN#1 *)` (Asia/Tokyo) |');
  });

  it('has a procedure in both languages for every component type', () => {
    expect(Object.keys(PROCEDURES).sort()).toEqual(Object.keys(COMPONENT_TYPES).sort());
    for (const words of Object.values(PROCEDURES)) {
      expect(words.en.length).toBeGreaterThan(20);
      expect(words.ja).toMatch(/[ぁ-んァ-ン一-龯]/);
    }
  });

  it('writes Japanese, and the latest results with each tier and data class against its target', () => {
    const doc = renderPlanDocument(plan, 'ja', REPORT);
    expect(doc.split('\n')[0]).toBe('# 災害復旧計画書: dataset-platform');
    expect(doc).toContain('## 9. テスト計画');
    expect(doc).toContain('## 10. 直近の結果');
    expect(doc).toContain('region-outage: **recovered** (2026-11-29T00:00:00.000Z – 2026-11-29T03:18:10.000Z)');
    expect(doc).toContain('| tier-1 | 240 分 | 45.08 分 | 達成 |');
    expect(doc).toContain('| transaction | 15 分 | 0.53 分 | 達成 | core-database: replica lag lost at promotion |');
  });

  it('the command writes the document from the plan file and a report.json; bad input exits 2 naming the flag and writes nothing', async () => {
    // Prepare
    const reportFile = path.join(scratch, 'report.json');
    writeFileSync(reportFile, JSON.stringify(REPORT));
    const out = path.join(scratch, 'plan.ja.md');
    // Act
    const ok = await cli('doc', '--plan', EXAMPLE, '--lang', 'ja', '--report', reportFile, '--out', out);
    const stdout = await cli('doc', '--plan', EXAMPLE);
    const badLang = await cli('doc', '--plan', EXAMPLE, '--lang', 'fr', '--out', path.join(scratch, 'fr.md'));
    writeFileSync(path.join(scratch, 'not-a-report.json'), '{"plan":"x"}');
    const badReport = await cli('doc', '--plan', EXAMPLE, '--report', path.join(scratch, 'not-a-report.json'));
    const badPlan = await cli('doc', '--plan', 'test/fixtures/plans/several-problems.yml');
    // Assess
    expect(ok).toMatchObject({ code: 0, out: [`wrote ${out}`], err: [] });
    expect(readFileSync(out, 'utf8')).toBe(renderPlanDocument(plan, 'ja', REPORT));
    expect(stdout.code).toBe(0);
    expect(stdout.out.join('\n')).toBe(renderPlanDocument(plan, 'en').trimEnd());
    expect(badLang).toMatchObject({ code: 2, err: ['dr-autopilot: --lang: "fr" is not a language of the document; use ja or en'] });
    expect(existsSync(path.join(scratch, 'fr.md'))).toBe(false);
    expect(badReport.code).toBe(2);
    expect(badReport.err[0]).toMatch(/^dr-autopilot: --report: .*not-a-report\.json is not a drill or run report \(missing scenario, outcome, startedAt, finishedAt, tiers, rpo\)$/);
    expect(badPlan.code).toBe(2);
    expect(badPlan.err[0]).toMatch(/^test\/fixtures\/plans\/several-problems\.yml: components\.0\.params/);
  });
});
