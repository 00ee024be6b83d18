import { InvokeCommand, LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { Uint8ArrayBlobAdapter } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

// Lambda throttles with TooManyRequestsException, HTTP 429 (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const SIM: ServiceSimulation = { service: 'lambda', throttleError: 'TooManyRequestsException' };
const ACCOUNT = '000000000000';

export const LAMBDA_DURATIONS: DurationTable = {
  'lambda.custom-step': {
    seconds: 5,
    source:
      'assumption: 5 s for a customer function that re-points a few resources (the lambda-invoke action expects 5 s); ' +
      'recorded as the invocation\'s duration, not waited for: the synchronous Invoke answers at once in simulated time',
  },
};

/**
 * The customer's functions the plan invokes (lambda-invoke: params.functionName in its region).
 * A synchronous Invoke answers 200 with a small JSON payload; its modeled run time ('lambda.custom-step',
 * slowed by a `slow` fault) is recorded in the snapshot but simulated time does not move.
 * With the `fail` fault it answers 200 with FunctionError "Unhandled" and a Node.js error payload
 * {errorType, errorMessage, trace}: a function error is not an API error
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 */
interface LambdaFunction {
  region: string;
  name: string;
  component: string;
  invocations: { at: string; invocationType: string; durationMs: number; functionError: string | null }[];
}

/** The function name from a name, `name:qualifier`, a partial ARN (`123456789012:function:name`) or a full ARN. */
export function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return (at >= 0 ? parts[at + 1] : parts[0]) ?? nameOrArn;
}

const text = (payload: InvokeCommandInput['Payload']): string =>
  payload === undefined ? '' : typeof payload === 'string' ? payload : new TextDecoder().decode(payload as Uint8Array);

export function simulateLambda(world: World): SimulatedService {
  const stub = mockClient(LambdaClient);
  const functions = new Map<string, LambdaFunction>();

  for (const c of world.plan.components.filter((x): x is ComponentOf<'lambda-invoke'> => x.type === 'lambda-invoke')) {
    const region = world.plan.regions[c.params.region];
    const name = functionNameOf(c.params.functionName);
    functions.set(`${region}:${name}`, { region, name, component: c.id, invocations: [] });
    world.own('lambda', region, name, c.id);
  }

  refuseOthers(SIM, stub);
  answer<InvokeCommandInput, unknown>(world, SIM, stub, InvokeCommand, (input, region) => {
    const name = functionNameOf(input.FunctionName ?? '');
    const fn = functions.get(`${region}:${name}`);
    if (!fn) throw awsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`, 404);
    let event: unknown;
    try {
      event = JSON.parse(text(input.Payload) || '{}');
    } catch {
      throw awsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    const type = input.InvocationType ?? 'RequestResponse';
    const failing = world.failing(fn.component);
    fn.invocations.push({
      at: new Date(world.now()).toISOString(),
      invocationType: type,
      durationMs: world.durationMs('lambda.custom-step', fn.component),
      functionError: failing && type === 'RequestResponse' ? 'Unhandled' : null,
    });
    // Asynchronous and dry-run invocations answer without the function's result.
    if (type === 'Event') return { StatusCode: 202, Payload: Uint8ArrayBlobAdapter.fromString('') };
    if (type === 'DryRun') return { StatusCode: 204, Payload: Uint8ArrayBlobAdapter.fromString('') };
    // The SDK v3 answers Payload as a Uint8ArrayBlobAdapter (transformToString()):
    // https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/client/lambda/command/InvokeCommand/.
    const encode = (value: unknown) => Uint8ArrayBlobAdapter.fromString(JSON.stringify(value));
    if (failing) {
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        ExecutedVersion: '$LATEST',
        Payload: encode({ errorType: 'Error', errorMessage: `${fn.name} failed (injected failure)`, trace: [`Error: ${fn.name} failed`, '    at Runtime.handler (file:///var/task/index.mjs:1:1)'] }),
      };
    }
    const drAutopilot = (event as { drAutopilot?: { idempotencyKey?: string } }).drAutopilot;
    return {
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: encode({ ok: true, function: fn.name, idempotencyKey: drAutopilot?.idempotencyKey ?? null }),
    };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const f of functions.values()) (out[f.region] ??= {})[f.name] = { invocations: f.invocations.map((i) => ({ ...i })) };
      return out;
    },
  };
}
