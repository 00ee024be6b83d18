import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A state of an Amazon States Language definition, as far as the substitution reads it. */
interface AslState {
  Resource?: unknown;
  Parameters?: { FunctionName?: unknown };
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  Branches?: AslDefinition[];
}
interface AslDefinition {
  States: Record<string, AslState>;
}

function visitStates(definition: AslDefinition, visit: (state: AslState) => void): void {
  for (const state of Object.values(definition.States)) {
    visit(state);
    if (state.ItemProcessor) visitStates(state.ItemProcessor, visit);
    if (state.Iterator) visitStates(state.Iterator, visit);
    (state.Branches ?? []).forEach((b) => visitStates(b, visit));
  }
}

/**
 * statemachines/failover.asl.json with each `${XxxFunctionArn}` turned into Fn::GetAtt
 * XxxLambdaFunction.Arn (serverless-step-functions turns these into Fn::Sub). Any other `${…}` is a
 * mistake in the definition: packaging fails rather than deploy a literal placeholder.
 */
export function stateMachineDefinition(root: string): Record<string, unknown> {
  const file = 'statemachines/failover.asl.json';
  const definition = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as AslDefinition & Record<string, unknown>;
  const resolve = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const m = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/.exec(value);
    if (m) return { 'Fn::GetAtt': [`${m[1]}LambdaFunction`, 'Arn'] };
    if (/\$\{/.test(value)) throw new Error(`${file}: unknown substitution in ${value}`);
    return value;
  };
  visitStates(definition, (state) => {
    if (state.Resource) state.Resource = resolve(state.Resource);
    if (state.Parameters && state.Parameters.FunctionName) state.Parameters.FunctionName = resolve(state.Parameters.FunctionName);
  });
  return definition;
}
