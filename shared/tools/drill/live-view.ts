import { createLogUpdate } from 'log-update';
import type { ProgressStep } from './run-drill.ts';

export interface TierView {
  id: string;
  rtoTargetMinutes: number;
  components: number;
}

interface TierState extends TierView {
  elapsedMinutes: number;
  recovered: Set<string>;
  finished: boolean;
  status: string;
}

const BAR = 30;

/** A bar of simulated minutes against the RTO target; past the target it turns to '!'. */
export function rtoBar(elapsedMinutes: number, targetMinutes: number): string {
  const filled = Math.min(BAR, Math.round((elapsedMinutes / targetMinutes) * BAR));
  return (elapsedMinutes > targetMinutes ? '!' : '█').repeat(filled) + '░'.repeat(BAR - filled);
}

/**
 * The drill's live view on a terminal (log-update redraws the block in place; it starts no timers,
 * so it is safe under the drill's virtual clock): one bar per tier, filling with the simulated
 * minutes since the incident against the tier's RTO target, its components recovered and the
 * latest status.
 */
export class LiveView {
  private readonly tiers: TierState[];
  private readonly render: ReturnType<typeof createLogUpdate>;

  constructor(tiers: TierView[], stream: NodeJS.WriteStream = process.stdout) {
    this.tiers = tiers.map((t) => ({ ...t, elapsedMinutes: 0, recovered: new Set(), finished: false, status: 'waiting' }));
    this.render = createLogUpdate(stream);
    this.draw();
  }

  /** The block as text (what the terminal shows). */
  text(): string {
    const width = Math.max(...this.tiers.map((t) => t.id.length));
    return this.tiers
      .map(
        (t) =>
          ` ${t.id.padEnd(width)} |${rtoBar(t.elapsedMinutes, t.rtoTargetMinutes)}| ${t.elapsedMinutes.toFixed(1)}/${t.rtoTargetMinutes} min RTO · ` +
          `${t.recovered.size}/${t.components} recovered · ${t.status}`.slice(0, 110),
      )
      .join('\n');
  }

  update(step: ProgressStep): void {
    const minutes = step.elapsedSeconds / 60;
    for (const tier of this.tiers) if (!tier.finished) tier.elapsedMinutes = minutes;
    const tier = this.tiers.find((t) => t.id === step.tier);
    if (tier) {
      if (step.component && step.status.endsWith('(done)')) tier.recovered.add(step.component);
      if (step.state === 'Record Tier Outcome') tier.finished = true;
      tier.status = `${step.component ? `${step.component}: ` : ''}${step.status}`;
    }
    this.draw();
  }

  private draw(): void {
    this.render(this.text());
  }

  stop(): void {
    this.render.done();
  }
}
