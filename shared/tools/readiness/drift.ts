import { InvalidInputError } from '../../errors.ts';
import type { ComponentType, Plan } from '../../plan/schema.ts';
import type { Drift } from '../drill/simulator/world.ts';

/** Each drift kind, the component types it applies to (none: it names no component), and its form. */
const KINDS: Record<Exclude<Drift['kind'], 'unconfirmed' | 'denied' | 'active-secondary'>, { types: ComponentType[]; form: string; says: string }> = {
  'replica-missing': { types: ['rds-replica-promotion', 'aurora-global-failover', 'elasticache-global-failover'], form: 'replica-missing:COMPONENT', says: 'the replica / secondary member is gone' },
  'replica-lag': { types: ['rds-replica-promotion', 'aurora-global-failover', 's3-failover'], form: 'replica-lag:COMPONENT:SECONDS', says: 'the replication lag (or S3 ReplicationLatency) reads SECONDS' },
  'stale-backup': { types: ['backup-restore', 'rds-point-in-time-restore'], form: 'stale-backup:COMPONENT:HOURS', says: 'the newest recovery point / latest restorable time is HOURS old' },
  'replication-off': { types: ['s3-failover', 's3-version-restore'], form: 'replication-off:COMPONENT', says: 'S3 replication removed / versioning suspended' },
  'no-health-check': { types: ['route53-failover'], form: 'no-health-check:COMPONENT', says: 'the PRIMARY failover record lost its health check' },
  'image-in-primary': { types: ['ecs-scale'], form: 'image-in-primary:COMPONENT', says: "the task definition's image is in the primary region's ECR" },
  quota: { types: ['ecs-scale', 'ec2-asg-scale'], form: 'quota:COMPONENT:VALUE', says: 'the recovery region\'s vCPU quota for the scale-up is VALUE' },
  'function-missing': { types: ['lambda-invoke'], form: 'function-missing:COMPONENT', says: 'the function does not exist' },
};

export const DRIFT_HELP = [
  ...Object.values(KINDS).map((k) => `${k.form.padEnd(34)} ${k.says} (${k.types.join(', ')})`),
  `${'unconfirmed:internal|external'.padEnd(34)} the topic's subscriptions are all pending confirmation`,
  `${'denied:ACTION'.padEnd(34)} IAM denies ACTION (e.g. rds:PromoteReadReplica) to the recovery role`,
  `${'active-secondary'.padEnd(34)} the state table says a recovery moved the system to the secondary region`,
].join('\n');

/** Parses one `--drift` spec against the plan, or throws InvalidInputError naming the problem and the forms. */
export function parseDrift(spec: string, plan: Plan): Drift {
  const [kind = '', a, b, ...rest] = spec.split(':');
  const bad = (why: string) => new InvalidInputError(`--drift ${spec}: ${why}\nforms:\n${DRIFT_HELP}`, { field: 'drift' });
  if (kind === 'unconfirmed') {
    if ((a !== 'internal' && a !== 'external') || b !== undefined) throw bad('unconfirmed takes internal or external');
    return { kind, topic: a };
  }
  if (kind === 'active-secondary') {
    if (a !== undefined) throw bad('active-secondary takes no arguments');
    return { kind };
  }
  if (kind === 'denied') {
    // denied:rds:PromoteReadReplica: the action itself holds a colon.
    const action = spec.slice('denied:'.length);
    if (!/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(action)) throw bad('ACTION must be an IAM action such as rds:PromoteReadReplica');
    return { kind, action };
  }
  if (!(kind in KINDS)) throw bad(`unknown drift "${kind}"`);
  const k = KINDS[kind as keyof typeof KINDS];
  if (rest.length > 0) throw bad('too many parts');
  const component = plan.components.find((c) => c.id === a);
  if (!component) throw bad(`unknown component "${a ?? ''}"; the plan has ${plan.components.map((c) => c.id).join(', ')}`);
  if (!k.types.includes(component.type)) throw bad(`${kind} applies to ${k.types.join(', ')}; ${component.id} is ${component.type}`);
  const number = (name: string, min: number, max: number) => {
    const n = Number(b);
    if (b === undefined || !Number.isFinite(n) || n < min || n > max) throw bad(`${name} must be a number from ${min} to ${max}`);
    return n;
  };
  switch (kind) {
    case 'replica-lag':
      return { kind, component: component.id, seconds: number('SECONDS', 0, 604_800) };
    case 'stale-backup':
      return { kind, component: component.id, hours: number('HOURS', 0, 8_760) };
    case 'quota':
      return { kind, component: component.id, value: number('VALUE', 0, 1_000_000) };
    default:
      if (b !== undefined) throw bad(`${kind} takes only a component`);
      return { kind: kind as 'replica-missing' | 'replication-off' | 'no-health-check' | 'image-in-primary' | 'function-missing', component: component.id };
  }
}
