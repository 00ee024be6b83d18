import type { ComponentResult, RpoResult, TierResult } from '../run/types.ts';

/** The seed's scale (section 4 "assessment": 重大 / 高 / 中 / 低), most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);
/** The more severe of the two. */
export const atLeast = (a: Severity, b: Severity): Severity => (rank(a) >= rank(b) ? a : b);

export const isSeverity = (value: unknown): value is Severity => typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);

/** What the assessment looks at: whatever the stage knows about the tiers and components affected. */
export interface SeverityInput {
  /** The scenario's severity from the plan: the floor, never lowered. */
  scenario: Severity;
  /** Tier ids of the plan's highest-priority tier (lowest `order`, the seed's tier_1: authentication, core database, API gateway). */
  criticalTiers: readonly string[];
  tiers?: readonly Pick<TierResult, 'id' | 'status' | 'met' | 'achievedMinutes'>[];
  components?: readonly Pick<ComponentResult, 'tier' | 'status'>[];
  rpo?: readonly Pick<RpoResult, 'met'>[];
  /** The run ended failed (not aborted: an abort changed nothing one-way). */
  runFailed?: boolean;
}

/**
 * Assesses a notice's severity. The rule:
 * 1. Start from the scenario's severity (the plan's assessment of the incident); never go below it.
 * 2. Critical when the highest-priority tier is hit: one of its components failed, the tier failed,
 *    or it recovered but missed its RTO (`met === false`). Those are the systems every other tier
 *    depends on (authentication, database, API gateway).
 * 3. At least high when anything else went wrong: a component of another tier failed, another tier
 *    failed or missed its RTO, a data class missed its RPO, or the run ended failed.
 * 4. Otherwise the scenario's severity.
 * Tiers not started are not counted: a failed run says so through rule 3.
 */
export function assessSeverity(input: SeverityInput): Severity {
  const critical = new Set(input.criticalTiers);
  const failedComponents = (input.components ?? []).filter((c) => c.status === 'failed');
  const badTiers = (input.tiers ?? []).filter((t) => t.status === 'failed' || (t.status === 'recovered' && t.met === false));
  if (failedComponents.some((c) => critical.has(c.tier)) || badTiers.some((t) => critical.has(t.id))) return 'critical';
  const rpoMissed = (input.rpo ?? []).some((r) => r.met === false);
  if (failedComponents.length > 0 || badTiers.length > 0 || rpoMissed || input.runFailed) return atLeast(input.scenario, 'high');
  return input.scenario;
}
