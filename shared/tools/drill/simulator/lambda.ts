import { GetFunctionCommand, InvokeCommand, LambdaClient, type GetFunctionCommandInput, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Uint8ArrayBlobAdapter } from '@smithy/core/serde';
import { simulateClient } from './intercept.ts';
import { clientConfig } from '../../../aws/clients.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, timeoutError, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, sleep, type DurationTable, type World } from './world.ts';

// Lambda throttles with TooManyRequestsException, HTTP 429 (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const SIM: ServiceSimulation = { service: 'lambda', throttleError: 'TooManyRequestsException' };
const ACCOUNT = '000000000000';
/** The request timeout every LambdaClient is built with (shared/aws/clients.ts): a synchronous invoke gets no answer after it. */
const SYNC_TIMEOUT_MS = clientConfig(LambdaClient).requestHandler.requestTimeout;
/** Attempts of the function's own SDK call to report its result: the SDK's standard retry mode (3 attempts). */
const REPORT_ATTEMPTS = 3;

export const LAMBDA_DURATIONS: DurationTable = {
  'lambda.custom-step': {
    seconds: 5,
    source:
      'assumption: 5 s for a customer function that re-points a few resources (the lambda-invoke action\'s first check is at 5 s); ' +
      'a synchronous invoke answers after it, an asynchronous one reports its result after it; a long step is drilled with ' +
      '--duration lambda.custom-step=SECONDS or slow:COMPONENT:X',
  },
};

/**
 * The customer's functions the plan invokes (lambda-invoke: params.functionName in its region). Each
 * invocation runs for 'lambda.custom-step' (slowed by a `slow` fault) in simulated time.
 *
 * - RequestResponse: answers 200 with a small JSON payload once the function has run. Longer than the
 *   LambdaClient's request timeout (60 s), the call fails with TimeoutError after it, as the real
 *   client does (@smithy/node-http-handler), while the function runs on to its end. With the `fail`
 *   fault it answers 200 with FunctionError "Unhandled" and a Node.js error payload
 *   {errorType, errorMessage, trace}: a function error is not an API error
 *   (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 * - Event: answers 202 at once (Lambda queues the event). When the event names a result parameter
 *   (`drAutopilot.result`, shared/components/lambda-invoke/recover.ts), the function does what the
 *   README asks of one: it writes `RUNNING` there with the event's idempotency key, and at the end
 *   of its run `SUCCEEDED` (or `FAILED` with the `fail` fault), through the SSM simulator (ssm.ts),
 *   retrying a throttled write as its SDK would. Assumed configured as the README recommends: no
 *   asynchronous retries by Lambda (MaximumRetryAttempts 0), so a failed event runs once.
 * - DryRun: answers 204.
 *
 * GetFunction answers each function's configuration: Active, last update Successful, runtime nodejs22.x
 * (assumption: the customer's runtime is not in the plan). With the `function-missing` drift on the component the
 * function does not exist: every call naming it is ResourceNotFoundException ("Function not found: ARN", as Lambda
 * words it).
 */
interface LambdaFunction {
  region: string;
  name: string;
  /** Its account: the plan's ARN's when it names the function by ARN, else the simulator's. */
  account: string;
  component: string;
  createdAt: number;
  invocations: { at: string; invocationType: string; durationMs: number; functionError: string | null; idempotencyKey: string | null }[];
}

/** The drAutopilot block of an event, as far as the simulated function reads it. */
interface DrAutopilotBlock {
  idempotencyKey?: unknown;
  result?: { parameterName?: unknown };
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
  const stub = simulateClient(LambdaClient);
  const functions = new Map<string, LambdaFunction>();
  /** Asynchronous runs still under way: restore() ends them (no write after the mocks are gone). */
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const ssmClients = new Map<string, SSMClient>();

  for (const c of world.plan.components.filter((x): x is ComponentOf<'lambda-invoke'> => x.type === 'lambda-invoke')) {
    const region = world.plan.regions[c.params.region];
    const name = functionNameOf(c.params.functionName);
    const account = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):function:/.exec(c.params.functionName)?.[1] ?? ACCOUNT;
    functions.set(`${region}:${name}`, { region, name, account, component: c.id, createdAt: world.now(), invocations: [] });
    world.own('lambda', region, name, c.id);
  }

  /** Simulated time passing for a background run; never resolves once the simulation is restored. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** The function's PutParameter of its result (its own SSM client, in its region). */
  async function report(region: string, name: string, record: Record<string, unknown>): Promise<void> {
    let ssm = ssmClients.get(region);
    if (!ssm) ssmClients.set(region, (ssm = new SSMClient({ region })));
    for (let attempt = 1; ; attempt++) {
      if (stopped) return;
      try {
        await ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify(record), Type: 'String', Overwrite: true }));
        return;
      } catch (error) {
        if (attempt >= REPORT_ATTEMPTS) throw error;
        await pause(100 * 2 ** attempt);
      }
    }
  }

  /** An Event invocation: runs for durationMs, reporting RUNNING at its start and its result at its end. */
  function runEvent(fn: LambdaFunction, block: DrAutopilotBlock | undefined, durationMs: number, failing: boolean): void {
    const parameter = block?.result?.parameterName;
    const key = block?.idempotencyKey;
    // Without a result parameter the function runs, and nothing of it can be seen.
    if (typeof parameter !== 'string' || typeof key !== 'string') return;
    const startedAt = world.now();
    void (async () => {
      await report(fn.region, parameter, { idempotencyKey: key, status: 'RUNNING', message: `${fn.name} started` });
      await pause(Math.max(0, startedAt + durationMs - world.now()));
      await report(
        fn.region,
        parameter,
        failing
          ? { idempotencyKey: key, status: 'FAILED', error: { type: 'Error', message: `${fn.name} failed (injected failure)` } }
          : { idempotencyKey: key, status: 'SUCCEEDED', output: { ok: true, function: fn.name } },
      );
    })().catch(() => {
      // The report could not be written (still throttled after the SDK's attempts): the step's checks wait until its deadline.
    });
  }

  const functionArn = (fn: LambdaFunction) => `arn:aws:lambda:${fn.region}:${fn.account}:function:${fn.name}`;
  /** The function a call names, in the client's region; ResourceNotFoundException when there is none (or its component has the `function-missing` drift). */
  function functionIn(region: string, nameOrArn: string | undefined): LambdaFunction {
    const name = functionNameOf(nameOrArn ?? '');
    const fn = functions.get(`${region}:${name}`);
    if (!fn || world.drifted('function-missing', fn.component)) throw awsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`, 404);
    return fn;
  }
  refuseOthers(SIM, stub);
  answer<GetFunctionCommandInput, unknown>(world, SIM, stub, GetFunctionCommand, (input, region) => {
    const fn = functionIn(region, input.FunctionName);
    return {
      Configuration: {
        FunctionName: fn.name,
        FunctionArn: functionArn(fn),
        Runtime: 'nodejs22.x',
        Role: `arn:aws:iam::${fn.account}:role/${fn.name}-role`,
        Handler: 'index.handler',
        CodeSize: 4096,
        Timeout: 900,
        MemorySize: 512,
        LastModified: new Date(fn.createdAt).toISOString().replace('Z', '+0000'),
        Version: '$LATEST',
        State: 'Active',
        LastUpdateStatus: 'Successful',
        PackageType: 'Zip',
        Architectures: ['arm64'],
      },
      Code: { RepositoryType: 'S3', Location: `https://awslambda-${fn.region}-tasks.s3.${fn.region}.amazonaws.com/snapshots/${fn.account}/${fn.name}` },
    };
  });
  answer<InvokeCommandInput, unknown>(world, SIM, stub, InvokeCommand, async (input, region) => {
    const fn = functionIn(region, input.FunctionName);
    let event: unknown;
    try {
      event = JSON.parse(text(input.Payload) || '{}');
    } catch {
      throw awsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
    }
    const type = input.InvocationType ?? 'RequestResponse';
    const failing = world.failing(fn.component);
    const durationMs = world.durationMs('lambda.custom-step', fn.component);
    const block = typeof event === 'object' && event !== null ? (event as { drAutopilot?: DrAutopilotBlock }).drAutopilot : undefined;
    const idempotencyKey = typeof block?.idempotencyKey === 'string' ? block.idempotencyKey : null;
    if (type === 'DryRun') return { StatusCode: 204, Payload: Uint8ArrayBlobAdapter.fromString('') };
    fn.invocations.push({
      at: new Date(world.now()).toISOString(),
      invocationType: type,
      durationMs,
      functionError: failing ? 'Unhandled' : null,
      idempotencyKey,
    });
    if (type === 'Event') {
      runEvent(fn, block, durationMs, failing);
      return { StatusCode: 202, Payload: Uint8ArrayBlobAdapter.fromString('') };
    }
    if (durationMs > SYNC_TIMEOUT_MS) {
      // The client gives up; the function runs on (it was recorded with its whole run time).
      await sleep(SYNC_TIMEOUT_MS);
      throw timeoutError(`@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${SYNC_TIMEOUT_MS} ms requestTimeout.`);
    }
    await sleep(durationMs);
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
    return {
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: encode({ ok: true, function: fn.name, idempotencyKey }),
    };
  });

  return {
    service: SIM.service,
    restore: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stub.restore();
    },
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const f of functions.values()) (out[f.region] ??= {})[f.name] = { invocations: f.invocations.map((i) => ({ ...i })) };
      return out;
    },
  };
}
