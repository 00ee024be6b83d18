import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { findLeaks } from '../../../../shared/notify/redact.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';

const PLAN_FILE = path.resolve(import.meta.dirname, '../../../../examples/dataset-platform.plan.yml');
let report: DrillReport;

describe('drill: stakeholder notices at every stage, to every audience, in Japanese and English', () => {
  beforeAll(async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00.000Z') });
  });

  it('captures each stage for each audience and language of the plan, internal ones as chat notices', () => {
    const notices = report.notifications.filter((n) => n.language === 'ja' || n.language === 'en').filter((n) => n.channel !== 'sns' || n.audience === 'external');
    const seen = new Set(notices.map((n) => `${n.stage} ${n.audience} ${n.language} ${n.channel}`));
    for (const language of ['ja', 'en']) {
      for (const stage of ['run-started', 'tier-recovered', 'run-completed']) {
        expect(seen, `${stage} internal ${language}`).toContain(`${stage} internal ${language} chatbot`);
        expect(seen, `${stage} external ${language}`).toContain(`${stage} external ${language} sns`);
      }
      expect(seen).toContain(`approval-needed internal ${language} chatbot`);
      // A decision pending is not for outsiders.
      expect(seen).not.toContain(`approval-needed external ${language} sns`);
    }
    expect(report.notifications.find((n) => n.stage === 'run-started' && n.audience === 'external' && n.language === 'ja')!.body).toContain('復旧');
  });

  it('external notices carry no identifier, and the approval token goes only with the approval request', () => {
    for (const n of report.notifications.filter((x) => x.audience === 'external')) {
      expect(findLeaks(`${n.subject}\n${n.body}`), `${n.stage}/${n.language}`).toEqual([]);
    }
    const token = /--token '([^']+)'/.exec(report.notifications.find((n) => n.stage === 'approval-needed' && n.channel === 'sns')!.body)![1]!;
    for (const n of report.notifications.filter((x) => x.channel === 'chatbot')) expect(n.body).not.toContain(token);
  });
});
