import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PlanValidationError } from '../../../../shared/errors.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { packagedPlan } from '../../../../shared/runtime/plan.ts';
import { compilePlan, writeCompiledPlan, writeTempCompiledPlan } from '../../../../shared/tools/deploy/compiled-plan.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const EXAMPLE = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const SECOND = path.join(ROOT, 'test/fixtures/plans/second-shape.plan.yml');

describe('the compiled plan, as the functions read it (packagedPlan)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'dr-compiled-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  it('gives back the validated plan, defaults applied, exactly as loading the YAML does', async () => {
    // Prepare
    const file = path.join(scratch, 'example.json');
    writeCompiledPlan(file, await compilePlan(EXAMPLE));
    vi.stubEnv('PLAN_FILE', file);
    // Act
    const plan = await packagedPlan();
    // Assess
    expect(plan).toEqual(await loadPlanFile(EXAMPLE));
    expect(plan.safety).toEqual({ cooldownMinutes: 60, approvalTimeoutMinutes: 30 });
  });

  it('resolves a relative PLAN_FILE against LAMBDA_TASK_ROOT, where the package puts it', async () => {
    // Prepare
    const taskRoot = path.join(scratch, 'task');
    mkdirSync(path.join(taskRoot, '.dr-autopilot'), { recursive: true });
    writeCompiledPlan(path.join(taskRoot, '.dr-autopilot/plan.json'), await compilePlan(SECOND));
    vi.stubEnv('LAMBDA_TASK_ROOT', taskRoot);
    vi.stubEnv('PLAN_FILE', '.dr-autopilot/plan.json');
    // Act
    const plan = await packagedPlan();
    // Assess
    expect(plan.name).toBe('web-shop');
  });

  it('reads the plan PLAN_FILE points at now, per file (no reset needed)', async () => {
    // Prepare
    const first = writeTempCompiledPlan(await loadPlanFile(EXAMPLE), EXAMPLE);
    const second = writeTempCompiledPlan(await loadPlanFile(SECOND), SECOND);
    try {
      // Act
      vi.stubEnv('PLAN_FILE', first.file);
      const a = await packagedPlan();
      vi.stubEnv('PLAN_FILE', second.file);
      const b = await packagedPlan();
      vi.stubEnv('PLAN_FILE', first.file);
      const again = await packagedPlan();
      // Assess
      expect([a.name, b.name]).toEqual(['dataset-platform', 'web-shop']);
      expect(again).toBe(a);
    } finally {
      first.remove();
      second.remove();
    }
  });

  it.each([
    ['another format', JSON.stringify({ format: 'dr-autopilot/compiled-plan/v0', source: 'x.yml', plan: {} }), /format "dr-autopilot\/compiled-plan\/v0"/],
    ['no format', JSON.stringify({ apiVersion: 'dr-autopilot/v1', name: 'raw' }), /no format/],
    ['a plan YAML', 'apiVersion: dr-autopilot/v1\nname: raw\n', /not JSON/],
  ])('refuses %s, naming the file and saying to re-package', async (_case, content, detail) => {
    // Prepare
    const file = path.join(scratch, `${_case.replaceAll(' ', '-')}.json`);
    writeFileSync(file, content);
    vi.stubEnv('PLAN_FILE', file);
    // Act
    const error = await packagedPlan().catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(PlanValidationError);
    expect((error as PlanValidationError).file).toBe(file);
    expect((error as Error).message).toMatch(detail);
    expect((error as Error).message).toContain('re-package');
  });

  it('refuses a missing file, and reads it once it is there', async () => {
    // Prepare
    const file = path.join(scratch, 'later.json');
    vi.stubEnv('PLAN_FILE', file);
    // Act
    const missing = await packagedPlan().catch((e: unknown) => e);
    writeCompiledPlan(file, await compilePlan(SECOND));
    const plan = await packagedPlan();
    // Assess
    expect((missing as PlanValidationError).issues[0]).toMatchObject({ path: '(file)', message: expect.stringContaining('cannot read the compiled plan') });
    expect(plan.name).toBe('web-shop');
  });

  it('removes the temp compiled plan of the drill and tests with its folder', async () => {
    // Prepare
    const temp = writeTempCompiledPlan(await loadPlanFile(SECOND), SECOND);
    vi.stubEnv('PLAN_FILE', temp.file);
    // Act
    temp.remove();
    // Assess
    await expect(packagedPlan()).rejects.toBeInstanceOf(PlanValidationError);
  });
});
