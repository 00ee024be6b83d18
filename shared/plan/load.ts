import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { PlanValidationError } from '../errors.ts';
import { plan as planSchema, type Plan } from './schema.ts';
import { crossReferenceIssues } from './cross-references.ts';

export interface PlanIssue {
  path: string;
  message: string;
}

/** `tiers[0].components` → `tiers.0.components`: the contract's `path.to.field` form. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(plan)' : path.map(String).join('.');
}

function zodIssues(error: z.ZodError): PlanIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Parses and validates a plan from YAML text. Returns every problem at once: YAML syntax, schema
 * (types, required parameters per component type) and cross-references (ids, dependencies, cycles).
 */
export function parsePlan(text: string, file = 'plan'): Plan {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanValidationError(
      file,
      doc.errors.map((e) => ({ path: `line ${e.linePos?.[0]?.line ?? '?'}`, message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const parsed = planSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new PlanValidationError(file, zodIssues(parsed.error));
  const issues = crossReferenceIssues(parsed.data);
  if (issues.length > 0) throw new PlanValidationError(file, issues);
  return parsed.data;
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
