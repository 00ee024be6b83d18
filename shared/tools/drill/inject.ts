import { InvalidInputError } from '../../errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { Fault } from './simulator/world.ts';

export const SIMULATED_SERVICES = [
  'rds', 'cloudwatch', 'route53', 'route53-recovery-cluster', 's3', 'ssm', 'backup', 'ecs', 'autoscaling', 'elasticache', 'lambda', 'sns', 'ec2', 'iam', 'service-quotas',
  'elasticloadbalancing', 'directconnect', 'kms', 'sfn',
];
/** Services whose control plane is in one region, which `control-plane-down:SERVICE` can take away (Route 53: us-east-1). */
export const SINGLE_REGION_CONTROL_PLANES = ['route53'];

export const INJECT_HELP = [
  'throttle:SERVICE:N   the first N attempts at SERVICE are throttled; the SDK tries each call 3 times (' + SIMULATED_SERVICES.join(', ') + ')',
  'fail:COMPONENT       the component\'s operation fails permanently',
  'slow:COMPONENT:X     the component\'s operations take X times longer',
  'alarm-ok:MINUTES     the trigger alarm goes back to OK MINUTES after the incident',
  'primary-writable     the old primary database stays up and writable (split-brain risk)',
  'approve              the approval gate is approved (the default, after approval.operator-response)',
  'approve:force        approved with force: a split-brain guard fences the old primary and goes on',
  'reject               the approval gate is rejected: the run ends aborted before any one-way step',
  'approval-timeout     nobody answers the approval gate: its timeout is a denial',
  'resume               a failed run is resumed (resumeOf) after its injected failures are removed',
  'control-plane-down:route53  every Route 53 API call fails (TimeoutError): its control plane in us-east-1 does not answer; DNS and health checkers go on',
  'private-zone:ZONEID  the plan\'s hosted zone ZONEID is private: Route 53 refuses TestDNSAnswer for it (public zones only)',
  'unhealthy-targets    every target of the plan\'s load-balancer checks fails its health checks',
  'vpn-down             both tunnels of the plan\'s VPN connections are DOWN, their Direct Connect interfaces down',
  'error-spike          the recovered service answers a quarter of its requests with 5xx, slowly (the metric checks\' window)',
  'open-security-group  the recovered database\'s security group opens its port to 0.0.0.0/0',
  'stop-during:COMPONENT  the operator stops the execution while COMPONENT\'s start is in flight (the status-change rule releases the lock)',
].join('\n');

/** Parses one `--inject` spec against the plan, or throws InvalidInputError naming the problem. */
export function parseInject(spec: string, plan: Plan): Fault {
  const [kind, a, b, ...rest] = spec.split(':');
  const bad = (why: string) => new InvalidInputError(`--inject ${spec}: ${why}\nforms:\n${INJECT_HELP}`, { field: 'inject' });
  const component = (id: string | undefined) => {
    if (!id || !plan.components.some((c) => c.id === id)) {
      throw bad(`unknown component "${id ?? ''}"; the plan has ${plan.components.map((c) => c.id).join(', ')}`);
    }
    return id;
  };
  if (rest.length > 0) throw bad('too many parts');
  switch (kind) {
    case 'throttle': {
      if (!a || !SIMULATED_SERVICES.includes(a)) throw bad(`unknown service "${a ?? ''}"`);
      const calls = Number(b);
      if (!Number.isInteger(calls) || calls < 1 || calls > 1000) throw bad('N must be a whole number from 1 to 1000');
      return { kind: 'throttle', service: a, calls };
    }
    case 'fail':
      if (b !== undefined) throw bad('fail takes only a component');
      return { kind: 'fail', component: component(a) };
    case 'slow': {
      const factor = Number(b);
      if (!Number.isFinite(factor) || factor <= 0 || factor > 100) throw bad('X must be a number above 0 and at most 100');
      return { kind: 'slow', component: component(a), factor };
    }
    case 'primary-writable':
      if (a !== undefined) throw bad('primary-writable takes no arguments');
      return { kind: 'primary-writable' };
    case 'alarm-ok': {
      const afterMinutes = Number(a);
      if (b !== undefined || !Number.isFinite(afterMinutes) || afterMinutes < 0 || afterMinutes > 10_080) throw bad('MINUTES must be a number from 0 to 10080');
      return { kind: 'alarm-ok', afterMinutes };
    }
    case 'approve':
      if ((a !== undefined && a !== 'force') || b !== undefined) throw bad('approve takes nothing or "force"');
      return { kind: 'approval', answer: a === 'force' ? 'approve-force' : 'approve' };
    case 'control-plane-down':
      if (!a || !SINGLE_REGION_CONTROL_PLANES.includes(a) || b !== undefined) throw bad(`control-plane-down takes one of ${SINGLE_REGION_CONTROL_PLANES.join(', ')}`);
      return { kind: 'control-plane-down', service: a };
    case 'private-zone': {
      // The zones the drill simulates: those of the plan's route53-failover components (simulator/route53.ts).
      const zones = [...new Set(plan.components.flatMap((c) => (c.type === 'route53-failover' ? [c.params.hostedZoneId] : [])))];
      if (!a || !zones.includes(a) || b !== undefined) throw bad(`private-zone takes one hosted zone of the plan's route53-failover components (${zones.join(', ') || 'none'})`);
      return { kind: 'private-zone', hostedZoneId: a };
    }
    case 'stop-during':
      if (b !== undefined) throw bad('stop-during takes one component');
      return { kind: 'stop-during', component: component(a) };
    case 'unhealthy-targets':
    case 'vpn-down':
    case 'error-spike':
    case 'open-security-group':
      if (a !== undefined) throw bad(`${kind} takes no arguments`);
      return { kind };
    case 'reject':
    case 'approval-timeout':
    case 'resume':
      if (a !== undefined) throw bad(`${kind} takes no arguments`);
      return kind === 'resume' ? { kind: 'resume' } : { kind: 'approval', answer: kind === 'reject' ? 'reject' : 'timeout' };
    default:
      throw bad(`unknown fault "${kind}"`);
  }
}
