import type { output, ZodMiniType } from 'zod/mini';
import type { $ZodError, $ZodIssue } from 'zod/v4/core';
import { InvalidInputError } from '../errors.ts';
import { INPUT_PARSE } from './schema-messages.ts';

/*
 * One parse of a function's input, at the edge (shared/runtime/lambda.ts `lambdaHandler`), with a
 * zod/mini schema: a bad input is an InvalidInputError naming the field (`details.field`), before any
 * AWS call. No schemas here (each lives beside its consumer, the shared ones in task-schemas.ts), so
 * every function bundle carries only the parse.
 */

/** The field an issue is about: an unknown key is named by its own path, not by its parent object's. */
export function fieldOf(issue: $ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  return path.map(String).join('.') || '(input)';
}

/** The InvalidInputError for zod's issues: the first one's field; every issue in the message (and in `issues` when there are several). */
export function invalidInput(error: $ZodError, what: string): InvalidInputError {
  const field = fieldOf(error.issues[0]!);
  const all = error.issues.map((i) => `${fieldOf(i)}: ${i.message}`).join('; ');
  return new InvalidInputError(`${what}: ${all}`, {
    field,
    ...(error.issues.length > 1 ? { issues: error.issues.map((i) => ({ path: fieldOf(i), message: i.message })) } : {}),
  });
}

/** `value` parsed with `schema`, or InvalidInputError naming the field. */
export function parseTaskInput<S extends ZodMiniType>(schema: S, value: unknown, what = 'task input'): output<S> {
  const parsed = schema.safeParse(value, INPUT_PARSE);
  if (!parsed.success) throw invalidInput(parsed.error, what);
  return parsed.data as output<S>;
}

/** The keys a type names, all the way down, without index signatures: what a loose schema's output promises. */
type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : number extends K ? never : K]: Known<T[K]> }
    : T;

/**
 * A schema that checks the fields the code relies on of a value with a precise type of its own (a
 * component and its plan params, the run state): typed as that type, the rest let through. Compiles
 * only when every T passes the schema's types, i.e. the schema checks part of what T promises and
 * nothing T does not. The rest was validated when the plan was compiled. `I`: what callers pass (T
 * unless the schema narrows it, e.g. to one component type).
 */
export function typed<T, I = T>() {
  return <S extends ZodMiniType>(schema: S & ([T] extends [Known<output<S>>] ? unknown : { typeDoesNotFitTheSchema: T })): ZodMiniType<T, I> =>
    schema as unknown as ZodMiniType<T, I>;
}
