import { readFile } from 'node:fs/promises';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { PlanValidationError, type PlanIssue } from '../errors.ts';
import { plan as planSchema, type Plan } from './schema.ts';
import { crossReferenceIssues, planReferences } from './cross-references.ts';
import { stageIssues } from './direction.ts';
import { limitIssues } from './limits.ts';
import { regionIssues } from './regions.ts';

export type { PlanIssue };

/** `tiers[0].components` → `tiers.0.components`: the contract's `path.to.field` form. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(plan)' : path.map(String).join('.');
}

const isRecord = (value: unknown): value is Record<PropertyKey, unknown> => typeof value === 'object' && value !== null;

/** A zod 4 schema, as far as walking it along an issue's path needs. */
interface SchemaNode {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaNode>;
      element?: SchemaNode;
      valueType?: SchemaNode;
      innerType?: SchemaNode;
      in?: SchemaNode;
      options?: SchemaNode[];
      discriminator?: string;
      values?: unknown[];
    };
  };
}

/** Unwraps defaults/optionals/pipes and picks the discriminated-union option the data selects. */
function resolveNode(node: SchemaNode | undefined, value: unknown): SchemaNode | undefined {
  while (node) {
    const def = node._zod.def;
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else if (def.type === 'union' && def.discriminator) {
      const key = def.discriminator;
      const tag = isRecord(value) ? value[key] : undefined;
      node = def.options?.find((o) => o._zod.def.shape?.[key]?._zod.def.values?.includes(tag));
    } else return node;
  }
  return undefined;
}

/** The keys the object schema at `path` allows (for "unknown key" messages), when it can be told. */
function allowedKeys(path: readonly PropertyKey[], data: unknown): string[] | undefined {
  let node = resolveNode(planSchema as unknown as SchemaNode, data);
  let value = data;
  for (const key of path) {
    if (!node) return undefined;
    const def = node._zod.def;
    value = isRecord(value) ? value[key] : undefined;
    const next = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    node = resolveNode(next, value);
  }
  const shape = node?._zod.def.shape;
  return shape ? Object.keys(shape) : undefined;
}

/** `components.N.params.X` → ` for type "rds-replica-promotion"`: which component type asks for the parameter. */
function forComponentType(path: readonly PropertyKey[], data: unknown): string {
  if (path[0] !== 'components' || path[2] !== 'params' || path.length !== 4 || !isRecord(data)) return '';
  const components = data.components;
  const type = Array.isArray(components) && isRecord(components[Number(path[1])]) ? components[Number(path[1])].type : undefined;
  return typeof type === 'string' ? ` for type "${type}"` : '';
}

/** zod's issues in the contract's form, with messages that say what to write rather than what zod saw. */
function zodIssues(error: z.ZodError, data: unknown): PlanIssue[] {
  return error.issues.flatMap((issue): PlanIssue[] => {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(issue.path, data);
        return issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: `unknown key "${key}"${allowed ? `; allowed here: ${allowed.join(', ')}` : ''}`,
        }));
      }
      case 'invalid_key':
        return [{ path, message: `invalid name "${String(issue.path.at(-1))}": ${issue.issues.map((i) => i.message).join('; ')}` }];
      case 'invalid_type':
        if (issue.input !== undefined) break;
        return [{ path, message: `required${forComponentType(issue.path, data)}: expected ${issue.expected}` }];
      case 'invalid_value':
        if (issue.input !== undefined) break;
        return [{ path, message: `required${forComponentType(issue.path, data)}: one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
      default:
        break;
    }
    return [{ path, message: issue.message }];
  });
}

/** A YAML error as `line N` plus its first line, without the code frame (which the path replaces). */
function yamlIssue(error: YAMLError, text: string): PlanIssue {
  const start = error.linePos?.[0];
  let message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
  if (start) {
    if (error.code === 'DUPLICATE_KEY') {
      const line = text.split(/\r?\n/)[start.line - 1] ?? '';
      const key = /^["']?([^"':{},]+?)["']?\s*:/.exec(line.slice(start.col - 1))?.[1];
      message = key ? `duplicate key "${key}"; map keys must be unique` : message;
    }
    if (error.code === 'MULTIPLE_DOCS') message = 'a plan file holds one YAML document; remove the second "---"';
    message += ` (column ${start.col})`;
  }
  return { path: start ? `line ${start.line}` : '(yaml)', message };
}

/** A cross-reference issue is left out when the schema already reported that field (or one containing it). */
function alreadyReported(issue: PlanIssue, schemaIssues: readonly PlanIssue[]): boolean {
  return schemaIssues.some((s) => s.path === '(plan)' || issue.path === s.path || issue.path.startsWith(`${s.path}.`));
}

/**
 * Parses and validates a plan from YAML text. Returns every problem at once: YAML syntax, schema
 * (types, required parameters per component type), cross-references (ids, dependencies, cycles) and
 * regions (known to the AWS SDK, one partition, every ARN where its field says: shared/plan/regions.ts).
 * YAML errors stop there (the structure is unknown); schema errors come with the cross-reference
 * problems whenever the plan's ids and references can still be read.
 */
export function parsePlan(text: string, file = 'plan'): Plan {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new PlanValidationError(file, doc.errors.map((e) => yamlIssue(e, text)));
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    throw new PlanValidationError(file, [{ path: '(yaml)', message: (error as Error).message }]);
  }
  if (data === null || data === undefined) {
    throw new PlanValidationError(file, [{ path: '(plan)', message: 'the plan is empty; it starts with apiVersion: dr-autopilot/v1' }]);
  }
  const parsed = planSchema.safeParse(data, { reportInput: true });
  if (parsed.success) {
    // Regions the AWS SDK knows, in one partition, and every ARN in the region its field implies.
    const issues = [...crossReferenceIssues(parsed.data), ...regionIssues(data)];
    if (issues.length > 0) throw new PlanValidationError(file, issues);
    // Re-protect and failback scenarios run the components in the reverse direction (references hold: they can be laid out).
    const stages = stageIssues(parsed.data);
    if (stages.length > 0) throw new PlanValidationError(file, stages);
    // Only a plan whose references hold can be laid out as a run and measured.
    const limits = limitIssues(parsed.data);
    if (limits.length > 0) throw new PlanValidationError(file, limits);
    return parsed.data;
  }
  const schemaIssues = zodIssues(parsed.error, data);
  const references = planReferences.safeParse(data);
  const referenceIssues = references.success ? crossReferenceIssues(references.data) : [];
  const otherIssues = [...referenceIssues, ...regionIssues(data)].filter((i) => !alreadyReported(i, schemaIssues));
  throw new PlanValidationError(file, [...schemaIssues, ...otherIssues]);
}

export async function loadPlanFile(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanValidationError(file, [{ path: '(file)', message: `cannot read the plan file: ${(error as Error).message}` }]);
  }
  return parsePlan(text, file);
}
