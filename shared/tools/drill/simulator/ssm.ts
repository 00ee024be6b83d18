import {
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
  type GetParameterCommandInput,
  type GetParameterCommandOutput,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
} from '@aws-sdk/client-ssm';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, sleep, type DurationTable, type World } from './world.ts';

// SSM throttles with ThrottlingException "Rate exceeded" (unmodeled; https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
const SIM: ServiceSimulation = { service: 'ssm', throttleError: 'ThrottlingException' };

export const SSM_DURATIONS: DurationTable = {
  'ssm.put-parameter': {
    seconds: 1,
    source: 'assumption: a Parameter Store write returns within about a second (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-throughput.html gives throughput limits, no latency)',
  },
};

interface Parameter {
  region: string;
  name: string;
  type: string;
  component: string | undefined;
  /** Oldest first; the last is the current value. */
  versions: { value: string; version: number; modifiedAt: number }[];
}

/**
 * Parameter Store in both regions. Seeded: each s3-failover component's `parameterName` in the secondary
 * region, holding the primary bucket's name (version 1, written 30 days before the seeding time).
 * GetParameter accepts a name, an ARN or `name:version`; an unknown one is ParameterNotFound.
 * PutParameter on an existing name without Overwrite is ParameterAlreadyExists; every write adds a
 * version and takes 'ssm.put-parameter'. With the `fail` fault on the owning component, PutParameter is
 * refused with AccessDeniedException (an explicit deny, as an SCP or permissions boundary would give).
 */
export function simulateSsm(world: World): SimulatedService {
  const stub = simulateClient(SSMClient);
  const account = planAccount(world.plan);
  const parameters = new Map<string, Parameter>();
  const keyOf = (region: string, name: string) => `${region}\n${name}`;
  const arnOf = (p: Parameter) => `arn:aws:ssm:${p.region}:${account}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`;

  const seededAt = world.now();
  for (const c of world.plan.components.filter((x): x is ComponentOf<'s3-failover'> => x.type === 's3-failover')) {
    const { parameterName: name, primaryBucket } = c.params;
    const region = world.secondary;
    parameters.set(keyOf(region, name), {
      region, name, type: 'String', component: c.id, versions: [{ value: primaryBucket, version: 1, modifiedAt: seededAt - 30 * 86_400_000 }],
    });
    world.own('ssm', region, name, c.id);
  }

  /** The parameter and version a GetParameter `Name` selects (name, ARN, or either with `:version`). */
  function select(region: string, given: string | undefined) {
    const [, base = '', selector] = /^(.*?)(?::(\d+|[A-Za-z][\w.-]*))?$/.exec((given ?? '').replace(/^arn:aws[a-z-]*:ssm:[^:]*:\d*:parameter/, '')) ?? [];
    const p = parameters.get(keyOf(region, base)) ?? parameters.get(keyOf(region, base.replace(/^\//, '')));
    if (!p) throw awsError('ParameterNotFound', `Parameter ${given ?? ''} not found.`, 400);
    const version = selector === undefined ? p.versions.at(-1) : p.versions.find((v) => String(v.version) === selector);
    if (!version) throw awsError('ParameterVersionNotFound', `Systems Manager could not find version ${selector ?? ''} of ${p.name}.`, 400);
    return { p, version, selector };
  }

  refuseOthers(SIM, stub);
  answer<GetParameterCommandInput, Omit<GetParameterCommandOutput, '$metadata'>>(world, SIM, stub, GetParameterCommand, (input, region) => {
    const { p, version, selector } = select(region, input.Name);
    return {
      Parameter: {
        Name: p.name, Type: p.type as 'String', Value: version.value, Version: version.version, LastModifiedDate: new Date(version.modifiedAt),
        ARN: arnOf(p), DataType: 'text', ...(selector !== undefined ? { Selector: `:${selector}` } : {}),
      },
    };
  });

  answer<PutParameterCommandInput, Omit<PutParameterCommandOutput, '$metadata'>>(world, SIM, stub, PutParameterCommand, async (input, region) => {
    const name = input.Name ?? '';
    const existing = parameters.get(keyOf(region, name));
    if (existing && input.Overwrite !== true) {
      throw awsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.', 400);
    }
    if (!existing && !input.Type) throw awsError('ValidationException', 'A parameter type is required when you create a parameter.', 400);
    const p: Parameter = existing ?? { region, name, type: input.Type ?? 'String', component: world.ownerOf('ssm', region, name), versions: [] };
    if (world.failing(p.component)) {
      throw awsError('AccessDeniedException', `User is not authorized to perform: ssm:PutParameter on resource: ${arnOf(p)} with an explicit deny (injected failure)`, 400);
    }
    await sleep(world.durationMs('ssm.put-parameter', p.component));
    const version = (p.versions.at(-1)?.version ?? 0) + 1;
    p.versions.push({ value: input.Value ?? '', version, modifiedAt: world.now() });
    if (input.Type) p.type = input.Type;
    parameters.set(keyOf(region, name), p);
    return { Version: version, Tier: 'Standard' };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const p of parameters.values()) {
        const current = p.versions.at(-1);
        (out[p.region] ??= {})[p.name] = { type: p.type, value: current?.value ?? null, version: current?.version ?? 0, lastModifiedDate: new Date(current?.modifiedAt ?? 0).toISOString() };
      }
      return { parameters: out };
    },
  };
}
