import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../shared/errors.ts';
import { loadPlanFile, parsePlan, type PlanIssue } from '../../../shared/plan/load.ts';
import { COMPONENT_TYPES } from '../../../shared/plan/schema.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/plans/${name}`, import.meta.url));
const exampleText = readFileSync(EXAMPLE, 'utf8');

/** The YAML data as parsed: untyped on purpose, the tests break it in every way a person could. */
type RawPlan = ReturnType<typeof parse>;

function rejection(run: () => unknown): PlanValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanValidationError) return error;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

async function rejectionOf(file: string): Promise<PlanValidationError> {
  try {
    await loadPlanFile(file);
  } catch (error) {
    if (error instanceof PlanValidationError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to be rejected`);
}

/** The issues of the example plan after `change`. */
function issuesAfter(change: (raw: RawPlan) => void): PlanIssue[] {
  const raw = parse(exampleText);
  change(raw);
  return rejection(() => parsePlan(stringify(raw), 'broken.plan.yml')).issues;
}

const byId = (list: { id: string }[], id: string) => {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`no ${id} in the example`);
  return found as RawPlan;
};

describe('parsePlan rejects a broken plan with the exact field and a helpful message', () => {
  it('accepts the unchanged example (so every rejection below comes from its change)', () => {
    expect(parsePlan(stringify(parse(exampleText))).name).toBe('dataset-platform');
  });

  describe('schema', () => {
    it('names the allowed types for an unknown component type', () => {
      const issues = issuesAfter((raw) => (byId(raw.components, 'authentication').type = 'ecs-service'));
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe('components.1.type');
      expect(issues[0]?.message).toMatch(/^unknown component type "ecs-service"; use one of /);
      for (const type of COMPONENT_TYPES) expect(issues[0]?.message).toContain(type);
      expect(COMPONENT_TYPES).toHaveLength(12);
    });

    it('asks for the type when a component has none', () => {
      const issues = issuesAfter((raw) => delete byId(raw.components, 'monitoring').type);
      expect(issues).toEqual([{ path: 'components.9.type', message: `required: the component type, one of ${COMPONENT_TYPES.join(', ')}` }]);
    });

    it('requires each parameter of the component type (rds-replica-promotion without replicaDbInstanceIdentifier)', () => {
      const issues = issuesAfter((raw) => delete byId(raw.components, 'core-database').params.replicaDbInstanceIdentifier);
      expect(issues).toEqual([
        { path: 'components.0.params.replicaDbInstanceIdentifier', message: 'required for type "rds-replica-promotion": expected string' },
      ]);
    });

    it('requires primaryHealthCheckId in route53 health-check mode, also when another parameter is wrong too', () => {
      // The example's api-gateway uses routing-control mode: switched to health-check mode, it has no primaryHealthCheckId.
      const alone = issuesAfter((raw) => (byId(raw.components, 'api-gateway').params.mode = 'health-check'));
      const withAnother = issuesAfter((raw) => {
        const params = byId(raw.components, 'api-gateway').params;
        params.mode = 'health-check';
        params.recordType = 'MX';
      });
      expect(alone).toEqual([{ path: 'components.2.params.primaryHealthCheckId', message: 'required when mode is health-check' }]);
      expect(withAnother).toEqual([
        { path: 'components.2.params.recordType', message: 'Invalid option: expected one of "A"|"AAAA"|"CNAME"' },
        { path: 'components.2.params.primaryHealthCheckId', message: 'required when mode is health-check' },
      ]);
    });

    it('requires secondaryTarget in route53 record mode', () => {
      const issues = issuesAfter((raw) => (byId(raw.components, 'api-gateway').params.mode = 'record'));
      expect(issues).toEqual([{ path: 'components.2.params.secondaryTarget', message: 'required when mode is record' }]);
    });

    it('refuses a readiness interval under 5 minutes, naming the field', () => {
      const issues = issuesAfter((raw) => (raw.readiness = { intervalMinutes: 2 }));
      expect(issues).toEqual([{ path: 'readiness.intervalMinutes', message: expect.stringContaining('must be at least 5') }]);
    });

    it('reports an unknown top-level key at its own path with the allowed keys', () => {
      const issues = issuesAfter((raw) => (raw.owner = 'platform-team'));
      expect(issues).toEqual([
        {
          path: 'owner',
          message: 'unknown key "owner"; allowed here: apiVersion, name, description, regions, rtoClasses, rpoClasses, tiers, components, scenarios, stakeholders, databaseAccess, verification, testProgramme, readiness, safety',
        },
      ]);
    });

    it('reports a misspelt top-level key and the missing one it was meant to be', () => {
      const issues = issuesAfter((raw) => {
        raw.scenario = raw.scenarios;
        delete raw.scenarios;
      });
      expect(issues).toEqual([
        { path: 'scenarios', message: 'required: expected array' },
        { path: 'scenario', message: expect.stringMatching(/^unknown key "scenario"; allowed here: .*scenarios/) },
      ]);
    });

    it('rejects unknown keys on a component and in its params (a typo must not be dropped silently)', () => {
      const issues = issuesAfter((raw) => {
        const database = byId(raw.components, 'core-database');
        database.rpoclass = 'transaction';
        database.params.backupRetentionDays = 7;
      });
      expect(issues).toEqual([
        {
          path: 'components.0.params.backupRetentionDays',
          message: 'unknown key "backupRetentionDays"; allowed here: primaryDbInstanceIdentifier, replicaDbInstanceIdentifier, backupRetentionPeriod, fencing, reverseFencing, reprotect',
        },
        {
          path: 'components.0.rpoclass',
          message:
            'unknown key "rpoclass"; allowed here: id, name, description, rpoClass, timeoutMinutes, expectedSeconds, checkIntervalSeconds, onlyInScenarios, checks, database, type, params',
        },
      ]);
    });

    it('rejects equal primary and secondary regions and a malformed region', () => {
      expect(issuesAfter((raw) => (raw.regions.secondary = 'ap-northeast-1'))).toEqual([
        { path: 'regions', message: 'primary and secondary must be different regions' },
      ]);
      expect(issuesAfter((raw) => (raw.regions.primary = 'tokyo'))).toEqual([
        { path: 'regions.primary', message: 'must be an AWS region code such as ap-northeast-1' },
      ]);
    });

    it('explains a malformed RTO class name', () => {
      const issues = issuesAfter((raw) => (raw.rtoClasses.Urgent = { targetMinutes: 60 }));
      expect(issues).toEqual([
        { path: 'rtoClasses.Urgent', message: 'invalid name "Urgent": must be lower-case letters, digits and dashes, starting with a letter (max 63)' },
      ]);
    });
  });

  describe('cross-references', () => {
    it('rejects a duplicate tier id', () => {
      const issues = issuesAfter((raw) => (raw.tiers[3].id = 'tier-3'));
      expect(issues).toContainEqual({ path: 'tiers.3.id', message: 'duplicate id "tier-3" (also at tiers.2)' });
    });

    it('rejects a duplicate component id', () => {
      const issues = issuesAfter((raw) => raw.components.push({ ...byId(raw.components, 'monitoring') }));
      expect(issues).toEqual([{ path: 'components.14.id', message: 'duplicate id "monitoring" (also at components.9)' }]);
    });

    it('rejects every repetition of a scenario id, not only the second', () => {
      const issues = issuesAfter((raw) => {
        const copy = { ...byId(raw.scenarios, 'database-failure'), triggers: { alarms: [] } };
        raw.scenarios.push(copy, copy);
      });
      expect(issues).toEqual([
        { path: 'scenarios.5.id', message: 'duplicate id "database-failure" (also at scenarios.1)' },
        { path: 'scenarios.6.id', message: 'duplicate id "database-failure" (also at scenarios.1)' },
      ]);
    });

    it('rejects a dependency on an unknown tier', () => {
      const issues = issuesAfter((raw) => raw.tiers[1].dependsOn.push('tier-0'));
      expect(issues).toEqual([{ path: 'tiers.1.dependsOn.1', message: 'depends on unknown tier "tier-0"' }]);
    });

    it('rejects a dependency cycle, naming the tiers in it', () => {
      const issues = issuesAfter((raw) => (raw.tiers[1].dependsOn = ['tier-1', 'tier-3']));
      expect(issues).toEqual([
        { path: 'tiers.1.dependsOn.1', message: 'depends on tier "tier-3" (order 3) which does not come before it (order 2)' },
        { path: 'tiers', message: 'dependency cycle: tier-2 -> tier-3 -> tier-2' },
      ]);
    });

    it('rejects a tier depending on itself once, not also as a cycle', () => {
      const issues = issuesAfter((raw) => raw.tiers[0].dependsOn.push('tier-1'));
      expect(issues).toEqual([{ path: 'tiers.0.dependsOn.0', message: 'a tier cannot depend on itself' }]);
    });

    it('rejects a scenario naming an unknown component or tier', () => {
      const issues = issuesAfter((raw) => {
        byId(raw.scenarios, 'database-failure').components = ['core-databse'];
        byId(raw.scenarios, 'region-outage').tiers.push('tier-5');
      });
      expect(issues).toEqual([
        { path: 'scenarios.0.tiers.4', message: 'unknown tier "tier-5"' },
        { path: 'scenarios.1.components.0', message: 'unknown component "core-databse"' },
      ]);
    });

    it('rejects a scenario naming a component restricted to other scenarios', () => {
      const issues = issuesAfter((raw) => byId(raw.scenarios, 'database-failure').components.push('dataset-restore'));
      expect(issues).toEqual([
        {
          path: 'scenarios.1.components.1',
          message: 'component "dataset-restore" is restricted to scenario(s) storage-failure (its onlyInScenarios); add "database-failure" there or remove it here',
        },
      ]);
    });

    it('rejects a tier whose RTO target is shorter than that of a tier it depends on', () => {
      const issues = issuesAfter((raw) => (raw.tiers[2].rtoClass = 'critical'));
      expect(issues).toEqual([
        {
          path: 'tiers.2.rtoClass',
          message: 'RTO target 240 min is shorter than that of tier "tier-2" it depends on (480 min); it cannot be met before its dependency is',
        },
      ]);
    });

    it('rejects an unknown RTO class and an unknown RPO class, listing the defined ones', () => {
      const issues = issuesAfter((raw) => {
        raw.tiers[3].rtoClass = 'low';
        byId(raw.components, 'core-database').rpoClass = 'transactions';
      });
      expect(issues).toEqual([
        { path: 'tiers.3.rtoClass', message: 'unknown RTO class "low"; define it under rtoClasses (critical, business, support)' },
        { path: 'components.0.rpoClass', message: 'unknown RPO class "transactions"; define it under rpoClasses (transaction, user, system)' },
      ]);
    });

    it('rejects a component in no tier', () => {
      const issues = issuesAfter((raw) => (raw.tiers[2].components = ['report-generation', 'backup-system']));
      expect(issues).toEqual([{ path: 'components.9.id', message: 'component "monitoring" is in no tier; list it in a tier\'s components' }]);
    });

    it('rejects a component in two tiers', () => {
      const issues = issuesAfter((raw) => raw.tiers[3].components.push('monitoring'));
      expect(issues).toEqual([
        { path: 'tiers.3.components.3', message: 'component "monitoring" is already in tier "tier-3"; a component belongs to one tier' },
      ]);
    });

    it('rejects a tier listing an unknown component', () => {
      const issues = issuesAfter((raw) => raw.tiers[3].components.push('wiki'));
      expect(issues).toEqual([{ path: 'tiers.3.components.3', message: 'unknown component "wiki"; define it under components' }]);
    });

    it('rejects the same alarm in two scenarios, and an alarm listed twice', () => {
      const issues = issuesAfter((raw) => {
        byId(raw.scenarios, 'storage-failure').triggers.alarms.push('dataset-platform-core-db-down');
        byId(raw.scenarios, 'region-outage').triggers.alarms.push('dataset-platform-tokyo-region-down');
      });
      expect(issues).toEqual([
        { path: 'scenarios.0.triggers.alarms.1', message: 'alarm "dataset-platform-tokyo-region-down" is listed twice' },
        {
          path: 'scenarios.2.triggers.alarms.1',
          message: 'alarm "dataset-platform-core-db-down" already triggers scenario "database-failure"; one alarm starts one scenario',
        },
      ]);
    });

    it('rejects a scenario that recovers nothing and an onlyInScenarios naming an unknown scenario', () => {
      const issues = issuesAfter((raw) => {
        byId(raw.scenarios, 'database-failure').components = [];
        byId(raw.components, 'dataset-restore').onlyInScenarios = ['storage-failure', 'bucket-failure'];
      });
      expect(issues).toEqual([
        { path: 'components.4.onlyInScenarios.1', message: 'unknown scenario "bucket-failure"' },
        { path: 'scenarios.1', message: 'recovers nothing: list tiers or components' },
      ]);
    });
  });

  describe('every problem at once', () => {
    it('reports schema and cross-reference problems of one file together', async () => {
      // Prepare: four schema problems and four cross-reference problems
      const file = fixture('several-problems.yml');
      // Act
      const error = await rejectionOf(file);
      // Assess
      expect(error.file).toBe(file);
      expect(error.issues.map((i) => i.path)).toEqual([
        'components.0.params.replicaDbInstanceIdentifier',
        'components.1.params.primaryHealthCheckId',
        'components.2.type',
        'owner',
        'tiers.1.rtoClass',
        'tiers.1.dependsOn.1',
        'scenarios.1.components.0',
        'scenarios.1.triggers.alarms.0',
      ]);
      expect(error.issues).toContainEqual({ path: 'tiers.1.dependsOn.1', message: 'depends on unknown tier "tier-0"' });
      expect(error.issues).toContainEqual({ path: 'scenarios.1.components.0', message: 'unknown component "core-db"' });
      expect(error.message).toMatch(/several-problems\.yml: 8 problem\(s\): components\.0\.params\.replicaDbInstanceIdentifier: required/);
    });

    it('does not repeat a cross-reference problem for a field the schema already rejected', () => {
      const issues = issuesAfter((raw) => {
        raw.tiers[1].rtoClass = 'Business'; // bad id format (schema) and no such class (cross-reference)
        delete byId(raw.components, 'web-application').params.service; // schema only
        raw.tiers[1].dependsOn.push('tier-9'); // cross-reference only
      });
      expect(issues).toEqual([
        { path: 'tiers.1.rtoClass', message: 'must be lower-case letters, digits and dashes, starting with a letter (max 63)' },
        { path: 'components.6.params.service', message: 'required for type "ecs-scale": expected string' },
        { path: 'tiers.1.dependsOn.1', message: 'depends on unknown tier "tier-9"' },
      ]);
    });

    it('still checks references when a section the checks do not need is missing', () => {
      const issues = issuesAfter((raw) => {
        delete raw.stakeholders;
        raw.tiers[1].dependsOn.push('tier-7');
      });
      expect(issues).toEqual([
        { path: 'stakeholders', message: 'required: expected object' },
        { path: 'tiers.1.dependsOn.1', message: 'depends on unknown tier "tier-7"' },
      ]);
    });

    it('runs a cross-parameter rule of a component type even when another parameter is wrong', () => {
      const issues = issuesAfter((raw) => {
        raw.components[0] = {
          id: 'core-database',
          name: 'Core database (point-in-time restore)',
          type: 'rds-point-in-time-restore',
          params: { sourceDbInstanceIdentifier: 'dataset-db', sourceDbInstanceAutomatedBackupsArn: 'arn:aws:rds:ap-northeast-3:123456789012:auto-backup:ab-1' },
        };
      });
      expect(issues).toEqual([
        { path: 'components.0.params.targetDbInstanceIdentifier', message: 'required for type "rds-point-in-time-restore": expected string' },
        { path: 'components.0.params', message: 'give exactly one of sourceDbInstanceIdentifier or sourceDbInstanceAutomatedBackupsArn' },
      ]);
    });

    it('reports only the schema problems when the structure is too broken to follow references', () => {
      const issues = issuesAfter((raw) => {
        raw.tiers = 'all of them';
        raw.scenarios[1].components.push('nothing-like-this');
      });
      expect(issues).toEqual([{ path: 'tiers', message: 'Invalid input: expected array, received string' }]);
    });
  });

  describe('files', () => {
    it('reports a YAML syntax error with its line', async () => {
      const error = await rejectionOf(fixture('yaml-syntax-error.yml'));
      expect(error.issues).toEqual([{ path: 'line 9', message: 'Nested mappings are not allowed in compact mappings (column 11)' }]);
    });

    it('rejects duplicate YAML keys, naming each key and line', async () => {
      const error = await rejectionOf(fixture('duplicate-keys.yml'));
      expect(error.issues).toEqual([
        { path: 'line 20', message: 'duplicate key "replicaDbInstanceIdentifier"; map keys must be unique (column 7)' },
        { path: 'line 27', message: 'duplicate key "scenarios"; map keys must be unique (column 1)' },
      ]);
    });

    it('rejects an empty file and a second YAML document', () => {
      expect(rejection(() => parsePlan('# nothing yet\n', 'empty.yml')).issues).toEqual([
        { path: '(plan)', message: 'the plan is empty; it starts with apiVersion: dr-autopilot/v1' },
      ]);
      expect(rejection(() => parsePlan(`${exampleText}\n---\nname: again\n`)).issues).toEqual([
        { path: expect.stringMatching(/^line \d+$/), message: 'a plan file holds one YAML document; remove the second "---" (column 1)' },
      ]);
    });

    it('rejects a file it cannot read, as a (file) issue', async () => {
      const missing = fixture('does-not-exist.yml');
      const error = await rejectionOf(missing);
      expect(error.file).toBe(missing);
      expect(error.issues).toEqual([{ path: '(file)', message: expect.stringMatching(/^cannot read the plan file: ENOENT/) }]);
      const directory = await rejectionOf(fixture(''));
      expect(directory.issues).toEqual([{ path: '(file)', message: expect.stringMatching(/^cannot read the plan file: EISDIR/) }]);
    });
  });
});
