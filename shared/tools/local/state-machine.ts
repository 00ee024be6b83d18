import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type JsonValue = Parameters<LocalHandlers[string]>[0];

/** The deployable definition, exactly as serverless.yml packages it. */
export const DEFINITION_FILE = new URL('../../../statemachines/failover.asl.json', import.meta.url);

/** A Lambda handler as the functions export it (middy chain included). */
export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;

/** Function name (kebab-case, as in functions/ and serverless.yml) for each `${XxxFunctionArn}` substitution. */
export function functionNameOf(substitution: string): string | undefined {
  const match = /^(.+)FunctionArn$/.exec(substitution);
  return match?.[1]?.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Reads the definition and resolves `${Name}` substitutions with `resolve` (an unresolved name is an error). */
export function loadDefinition(resolve: (name: string) => string | undefined): StateMachineDefinition {
  const text = readFileSync(DEFINITION_FILE, 'utf8').replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name: string) => {
    const value = resolve(name);
    if (value === undefined) throw new Error(`statemachines/failover.asl.json: no value for substitution \${${name}}`);
    return value;
  });
  return JSON.parse(text) as StateMachineDefinition;
}

export const localFunctionArn = (region: string, name: string) => `arn:aws:lambda:${region}:000000000000:function:dr-autopilot-local-${name}`;

interface AnyState {
  Type: string;
  Resource?: string;
  TimeoutSecondsPath?: string;
  Parameters?: { FunctionName?: string } & Record<string, unknown>;
  ItemProcessor?: { States: Record<string, AnyState> };
  Iterator?: { States: Record<string, AnyState> };
  Branches?: { States: Record<string, AnyState> }[];
}

/** Visits every state, nested ones (Map, Parallel) included. */
function eachState(states: Record<string, AnyState>, visit: (name: string, state: AnyState) => void): void {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    if (state.ItemProcessor) eachState(state.ItemProcessor.States, visit);
    if (state.Iterator) eachState(state.Iterator.States, visit);
    state.Branches?.forEach((b) => eachState(b.States, visit));
  }
}

/** Where in a Parameters template a state-input path ends up: `$.component.x` with {"Payload": {"component.$": "$.component"}} → `$.Payload.component.x`. */
function pathInParameters(template: Record<string, unknown>, statePath: string, prefix = '$'): string | undefined {
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string' && (statePath === value || statePath.startsWith(`${value}.`))) {
      return `${prefix}.${key.slice(0, -2)}${statePath.slice(value.length)}`;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const found = pathInParameters(value as Record<string, unknown>, statePath, `${prefix}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * aws-local-stepfunctions 3.0 reads TimeoutSecondsPath from the effective input (after Parameters);
 * Step Functions reads it from the state input. Rebase such paths onto the Parameters so the local
 * run enforces the same timeout the deployed machine does. The deployable file is not changed.
 */
export function adaptForLocalRun(definition: StateMachineDefinition): StateMachineDefinition {
  eachState(definition.States as unknown as Record<string, AnyState>, (name, state) => {
    if (!state.TimeoutSecondsPath || !state.Parameters) return;
    const rebased = pathInParameters(state.Parameters, state.TimeoutSecondsPath);
    if (!rebased) throw new Error(`${name}: TimeoutSecondsPath ${state.TimeoutSecondsPath} is not passed in its Parameters`);
    state.TimeoutSecondsPath = rebased;
  });
  return definition;
}

/** Every Task state (nested ones included) with the function it invokes, by its local ARN. */
export function taskStates(definition: StateMachineDefinition): { state: string; functionArn: string; waitForToken: boolean }[] {
  const found: { state: string; functionArn: string; waitForToken: boolean }[] = [];
  eachState(definition.States as unknown as Record<string, AnyState>, (name, state) => {
    if (state.Type !== 'Task' || !state.Resource) return;
    const waitForToken = state.Resource.endsWith('.waitForTaskToken');
    const functionArn = state.Resource.startsWith('arn:aws:states:::') ? (state.Parameters?.FunctionName ?? '') : state.Resource;
    found.push({ state: name, functionArn, waitForToken });
  });
  return found;
}

let requests = 0;

function lambdaContext(functionName: string, region: string): Context {
  requests += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(region, functionName),
    memoryLimitInMB: '256',
    awsRequestId: `local-${functionName}-${requests}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface LocalRunOptions {
  region: string;
  /** Handlers by function name (kebab-case), e.g. { 'prepare-run': handler }. */
  handlers: Record<string, LambdaHandler>;
  /** Answers a waitForTaskToken task: resolve with the output (SendTaskSuccess) or throw (SendTaskFailure). */
  answerTaskToken?: (state: string, payload: unknown) => Promise<unknown>;
  executionName?: string;
  /** Per Task state: extra behaviour around the real handler (e.g. simulated Lambda service errors); `input` is the task's. */
  wrap?: (state: string, call: () => Promise<unknown>, input: unknown) => Promise<unknown>;
}

/**
 * Runs the deployable definition in aws-local-stepfunctions with every Task calling the real handler
 * in-process (its event and result pass through JSON, as through Lambda).
 */
export function runLocal(input: unknown, options: LocalRunOptions) {
  const { region, handlers } = options;
  const definition = adaptForLocalRun(
    loadDefinition((name) => {
      const fn = functionNameOf(name);
      return fn ? localFunctionArn(region, fn) : undefined;
    }),
  );
  const byArn = new Map(Object.keys(handlers).map((name) => [localFunctionArn(region, name), name]));
  const invoke = async (functionArn: string, event: unknown) => {
    const name = byArn.get(functionArn);
    const handler = name ? handlers[name] : undefined;
    if (!name || !handler) throw new Error(`no local handler for ${functionArn}`);
    const result = await handler(JSON.parse(JSON.stringify(event ?? null)) as never, lambdaContext(name, region));
    return JSON.parse(JSON.stringify(result ?? null));
  };
  const taskResourceLocalHandlers: LocalHandlers = {};
  for (const task of taskStates(definition)) {
    taskResourceLocalHandlers[task.state] = async (taskInput: JsonValue) => {
      const call = async () => {
        if (!task.waitForToken) return invoke(task.functionArn, taskInput);
        const payload = (taskInput as { Payload?: unknown }).Payload;
        await invoke(task.functionArn, payload);
        if (!options.answerTaskToken) throw new Error(`${task.state} waits for a task token and nobody answers it`);
        return options.answerTaskToken(task.state, payload);
      };
      return (await (options.wrap ? options.wrap(task.state, call, taskInput) : call())) as JsonValue;
    };
  }
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  const executionName = options.executionName ?? `local-${Date.now()}`;
  return machine.run(input as JsonValue, {
    overrides: { taskResourceLocalHandlers },
    context: {
      Execution: { Id: `arn:aws:states:${region}:000000000000:execution:dr-autopilot-local:${executionName}`, Name: executionName },
      State: { RetryCount: 0 },
      Task: { Token: `local-task-token-${executionName}` },
    },
  });
}
