import {
  GetRoutingControlStateCommand, Route53RecoveryClusterClient, UpdateRoutingControlStatesCommand,
  type GetRoutingControlStateCommandInput, type UpdateRoutingControlStatesCommandInput,
} from '@aws-sdk/client-route53-recovery-cluster';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, timeoutError, type ServiceSimulation, type SimulatedClient, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

/**
 * Route 53 Application Recovery Controller's routing controls (the cluster's data plane,
 * @aws-sdk/client-route53-recovery-cluster): the clusters and routing controls the plan's routing-control
 * components name, answered on each cluster's Regional endpoints. The routing control health checks of the
 * failover records (simulator/route53.ts) follow the states modelled here (routingControlsOf).
 */

export const ROUTE53_RECOVERY_CLUSTER_DURATIONS: DurationTable = {
  'route53-recovery-cluster.routing-control-update': {
    seconds: 10,
    source:
      'assumption: AWS gives no figure. ARC propagates a routing control state change across the cluster to a quorum of its five Regional endpoints ' +
      '(https://docs.aws.amazon.com/r53recovery/latest/dg/introduction-regions-routing.html), then sets the routing control health check, which ' +
      'Route 53 DNS follows (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.about.html); 10 s assumed until GetRoutingControlState ' +
      'and the DNS answer show the new state',
  },
};

// ThrottlingException is the throttle the SDK model defines for these operations.
const SIM: ServiceSimulation = { service: 'route53-recovery-cluster', throttleError: 'ThrottlingException' };
const ROUTING_CONTROL_ARN = /^arn:aws[a-z-]*:route53-recovery-control::\d{12}:controlpanel\/[0-9a-z]+\/routingcontrol\/[0-9a-z]+$/;

type Switch = 'On' | 'Off';

interface RoutingControl {
  arn: string;
  name: string;
  /** The plan component whose routing control it is (fail and slow faults). */
  component: string;
  /** Hostnames of the endpoints of its cluster: only those know it. */
  cluster: Set<string>;
  /** The state it is heading to, the one before, and since when (the change takes the update duration). */
  state: Switch;
  previous: Switch;
  since: number;
  ms: number;
  updates: number;
}

/**
 * The routing controls of the simulated account, shared by this simulator and the Route 53 one (the records'
 * routing control health checks). Built from the plan once per world: the primary's control On, the
 * secondary's Off (traffic goes to the primary before the incident).
 */
export class RoutingControls {
  readonly controls = new Map<string, RoutingControl>();
  /** Every cluster endpoint by hostname: its region. */
  readonly endpoints = new Map<string, string>();

  constructor(world: World) {
    for (const c of world.plan.components) {
      if (c.type !== 'route53-failover' || c.params.mode !== 'routing-control') continue;
      const p = (c as ComponentOf<'route53-failover'>).params;
      const cluster = new Set((p.clusterEndpoints ?? []).map((e) => new URL(e.endpoint).hostname));
      for (const e of p.clusterEndpoints ?? []) this.endpoints.set(new URL(e.endpoint).hostname, e.region);
      const add = (arn: string | undefined, state: Switch, role: string) => {
        if (!arn) return;
        const known = this.controls.get(arn);
        if (known) {
          for (const host of cluster) known.cluster.add(host);
          return;
        }
        this.controls.set(arn, { arn, name: `${c.id}-${role}`, component: c.id, cluster: new Set(cluster), state, previous: state, since: 0, ms: 0, updates: 0 });
      };
      add(p.primaryRoutingControlArn, 'On', 'primary');
      add(p.secondaryRoutingControlArn, 'Off', 'secondary');
    }
  }

  /** The state the cluster answers, and the routing control health check reports, at `now`. */
  stateAt(arn: string, now: number): Switch | undefined {
    const c = this.controls.get(arn);
    if (!c) return undefined;
    return now >= c.since + c.ms ? c.state : c.previous;
  }
}

const models = new WeakMap<World, RoutingControls>();
/** The world's routing controls (built from its plan on first use). */
export function routingControlsOf(world: World): RoutingControls {
  let model = models.get(world);
  if (!model) models.set(world, (model = new RoutingControls(world)));
  return model;
}

const validation = (message: string, field: string) =>
  Object.assign(awsError('ValidationException', message, 400), { reason: 'fieldValidationFailed', fields: [{ name: field, message }] });

export function simulateRoute53RecoveryCluster(world: World): SimulatedService {
  const model = routingControlsOf(world);
  const stub = simulateClient(Route53RecoveryClusterClient);

  /**
   * The endpoint a call was sent to. One not built with a cluster endpoint would go to the service's default
   * hostname, which does not serve the data plane (a cluster endpoint must be given); one in a region that is
   * down does not answer (TimeoutError).
   */
  async function endpointOf(client: SimulatedClient): Promise<string> {
    const config = client.config as { endpoint?: () => Promise<{ hostname: string }> };
    const host = config.endpoint ? (await config.endpoint()).hostname : undefined;
    const region = host === undefined ? undefined : model.endpoints.get(host);
    if (!host || !region) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host ?? 'route53-recovery-cluster (no cluster endpoint given)'}`), { name: 'Error', code: 'ENOTFOUND' });
    }
    if (world.regionDown(region)) throw timeoutError(`the ARC cluster endpoint ${host} in ${region} did not answer (the region is down)`);
    return host;
  }

  /** The routing control, as known on this endpoint's cluster. */
  function controlOf(arn: string | undefined, host: string, field: string): RoutingControl {
    if (!arn || !ROUTING_CONTROL_ARN.test(arn)) throw validation(`${field} must be a routing control ARN, got ${JSON.stringify(arn ?? null)}`, field);
    const control = model.controls.get(arn);
    if (!control || !control.cluster.has(host)) {
      throw Object.assign(awsError('ResourceNotFoundException', `Routing control ${arn} was not found`, 404), { resourceId: arn, resourceType: 'RoutingControl' });
    }
    return control;
  }

  refuseOthers(SIM, stub);
  answer(world, SIM, stub, GetRoutingControlStateCommand, async (input: GetRoutingControlStateCommandInput, _region, client) => {
    const control = controlOf(input.RoutingControlArn, await endpointOf(client), 'RoutingControlArn');
    return { RoutingControlArn: control.arn, RoutingControlState: model.stateAt(control.arn, world.now()), RoutingControlName: control.name };
  });
  answer(world, SIM, stub, UpdateRoutingControlStatesCommand, async (input: UpdateRoutingControlStatesCommandInput, _region, client) => {
    const host = await endpointOf(client);
    const now = world.now();
    const entries = input.UpdateRoutingControlStateEntries ?? [];
    if (entries.length === 0) throw validation('UpdateRoutingControlStateEntries must not be empty', 'UpdateRoutingControlStateEntries');
    const updates = entries.map((e, i) => {
      const control = controlOf(e.RoutingControlArn, host, `UpdateRoutingControlStateEntries.${i}.RoutingControlArn`);
      if (e.RoutingControlState !== 'On' && e.RoutingControlState !== 'Off') {
        throw validation(`RoutingControlState must be On or Off, got ${JSON.stringify(e.RoutingControlState ?? null)}`, `UpdateRoutingControlStateEntries.${i}.RoutingControlState`);
      }
      return { control, state: e.RoutingControlState };
    });
    for (const { control } of updates) {
      // An update while the control's previous change is still propagating (assumption: the model's
      // ConflictException, "There was a conflict with this request. Try again.").
      if (now < control.since + control.ms) {
        throw Object.assign(awsError('ConflictException', 'There was a conflict with this request. Try again.', 409), { resourceId: control.arn, resourceType: 'RoutingControl' });
      }
      if (world.failing(control.component)) {
        // What a safety rule that blocks the change looks like to the caller (injected failure).
        throw validation(`Cannot update the routing control state of ${control.arn}: it is blocked by a safety rule (injected failure)`, 'UpdateRoutingControlStateEntries');
      }
    }
    // The whole batch applies or none of it does.
    for (const { control, state } of updates) {
      if (control.state === state && now >= control.since + control.ms) continue;
      Object.assign(control, { previous: model.stateAt(control.arn, now), state, since: now, ms: world.durationMs('route53-recovery-cluster.routing-control-update', control.component), updates: control.updates + 1 });
    }
    return {};
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const now = world.now();
      return {
        endpoints: Object.fromEntries([...model.endpoints].map(([host, region]) => [host, { region, answering: !world.regionDown(region, now) }])),
        routingControls: Object.fromEntries([...model.controls.values()].map((c) => [c.arn, { name: c.name, state: model.stateAt(c.arn, now), updates: c.updates }])),
      };
    },
  };
}
