import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LiveView, rtoBar } from '../../../../shared/tools/drill/live-view.ts';

describe('drill live view', () => {
  it('fills the bar with elapsed minutes against the RTO target and marks overruns', () => {
    expect(rtoBar(0, 240)).toBe('░'.repeat(30));
    expect(rtoBar(120, 240)).toBe('█'.repeat(15) + '░'.repeat(15));
    expect(rtoBar(300, 240)).toBe('!'.repeat(30));
  });

  it('tracks each tier: time runs until the tier is recorded, components count when done', () => {
    // Prepare
    const stream = Object.assign(new PassThrough(), { columns: 200, rows: 20, isTTY: true }) as unknown as NodeJS.WriteStream;
    const written: string[] = [];
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const view = new LiveView(
      [
        { id: 'tier-1', rtoTargetMinutes: 240, components: 2 },
        { id: 'tier-2', rtoTargetMinutes: 480, components: 1 },
      ],
      stream,
    );
    // Act
    view.update({ at: '', elapsedSeconds: 300, tier: 'tier-1', component: 'db', type: 'rds-replica-promotion', state: 'Check Recovery Action', status: 'available (done)' });
    view.update({ at: '', elapsedSeconds: 540, tier: 'tier-1', state: 'Record Tier Outcome', status: 'recovered in 9 min (target 240, met)' });
    view.update({ at: '', elapsedSeconds: 720, tier: 'tier-2', component: 'web', type: 'ecs-scale', state: 'Start Recovery Action', status: 'running 0/4' });
    view.stop();
    // Assess
    const lines = view.text().split('\n');
    expect(lines[0]).toContain('9.0/240 min RTO · 1/2 recovered · recovered in 9 min (target 240, met)');
    expect(lines[1]).toContain('12.0/480 min RTO · 0/1 recovered · web: running 0/4');
    expect(written.join('')).toContain('tier-2');
  });

  it('an approval step (no tier) moves every unfinished tier\'s clock on and changes no tier\'s count or status', () => {
    // Prepare
    const stream = Object.assign(new PassThrough(), { columns: 200, rows: 20, isTTY: true }) as unknown as NodeJS.WriteStream;
    const view = new LiveView([{ id: 'tier-1', rtoTargetMinutes: 240, components: 3 }], stream);
    // Act
    view.update({ at: '', elapsedSeconds: 1200, state: 'Request Recovery Approval', status: 'waiting for approval of the one-way steps' });
    view.update({ at: '', elapsedSeconds: 1800, state: 'Request Recovery Approval', status: 'approved' });
    view.stop();
    // Assess
    expect(view.text()).toContain('30.0/240 min RTO · 0/3 recovered · waiting');
  });
});
