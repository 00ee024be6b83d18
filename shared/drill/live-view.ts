import cliProgress from 'cli-progress';
import type { ProgressStep } from './run-drill.ts';

export interface TierView {
  id: string;
  rtoTargetMinutes: number;
  components: number;
}

/**
 * The drill's live view on a terminal: one bar per tier, filling with the simulated minutes elapsed
 * against the tier's RTO target, with its components recovered and the latest status.
 */
export class LiveView {
  private readonly multibar: cliProgress.MultiBar;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly done = new Map<string, Set<string>>();
  private readonly finished = new Set<string>();
  private readonly tiers: TierView[];

  constructor(tiers: TierView[], stream: NodeJS.WriteStream = process.stdout) {
    this.tiers = tiers;
    this.multibar = new cliProgress.MultiBar(
      {
        stream,
        clearOnComplete: false,
        hideCursor: true,
        format: ' {tier} |{bar}| {elapsed}/{target} min RTO · {recovered}/{components} recovered · {status}',
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    for (const tier of tiers) {
      this.bars.set(
        tier.id,
        this.multibar.create(tier.rtoTargetMinutes, 0, {
          tier: tier.id.padEnd(10),
          elapsed: '0',
          target: tier.rtoTargetMinutes,
          recovered: 0,
          components: tier.components,
          status: 'waiting',
        }),
      );
      this.done.set(tier.id, new Set());
    }
  }

  update(step: ProgressStep): void {
    const minutes = step.elapsedSeconds / 60;
    // Every tier still running shows the time elapsed since the incident.
    for (const tier of this.tiers) {
      if (this.finished.has(tier.id)) continue;
      const bar = this.bars.get(tier.id)!;
      bar.update(Math.min(minutes, tier.rtoTargetMinutes), { elapsed: minutes.toFixed(1) });
    }
    if (!step.tier) return;
    const bar = this.bars.get(step.tier);
    if (!bar) return;
    if (step.component && step.status.endsWith('(done)')) this.done.get(step.tier)!.add(step.component);
    if (step.state === 'Record Tier Outcome') this.finished.add(step.tier);
    bar.update({
      recovered: this.done.get(step.tier)!.size,
      status: `${step.component ? `${step.component}: ` : ''}${step.status}`.slice(0, 70),
    });
  }

  stop(): void {
    this.multibar.stop();
  }
}
