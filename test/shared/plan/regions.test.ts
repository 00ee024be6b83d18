import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { partition } from '@aws-sdk/core/client';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanValidationError, type PlanIssue } from '../../../shared/errors.ts';
import { COMPONENT_TYPES as REGISTRY, componentTypeNames } from '../../../shared/components/registry.ts';
import { awsPartitions, partitionOfRegion } from '../../../shared/plan/aws-partitions.ts';
import { loadPlanFile, parsePlan } from '../../../shared/plan/load.ts';
import { COMPONENT_ARN_FIELDS } from '../../../shared/plan/regions.ts';
import { closest } from '../../../shared/plan/suggest.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));
const SECOND_SHAPE = fileURLToPath(new URL('../../fixtures/plans/second-shape.plan.yml', import.meta.url));
type RawPlan = ReturnType<typeof parse>;

/** The issues of a plan file after `change` (the plan must be rejected). */
function issuesAfter(file: string, change: (raw: RawPlan) => void): PlanIssue[] {
  const raw = parse(readFileSync(file, 'utf8'));
  change(raw);
  try {
    parsePlan(stringify(raw), 'broken.plan.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}
const exampleAfter = (change: (raw: RawPlan) => void) => issuesAfter(EXAMPLE, change);
const byId = (list: { id: string }[], id: string): RawPlan => list.find((item) => item.id === id)!;

describe("the AWS SDK's own list of regions", () => {
  it('is the list the SDK endpoint resolver uses: every listed region resolves to its partition, with a description', () => {
    // Act
    const partitions = awsPartitions();
    // Assess
    expect(partitions.map((p) => p.id)).toEqual(expect.arrayContaining(['aws', 'aws-cn', 'aws-us-gov']));
    expect(partitions.find((p) => p.id === 'aws')!.regions).toEqual(expect.arrayContaining(['ap-northeast-1', 'ap-northeast-3', 'eu-west-1', 'eu-central-1', 'us-east-1']));
    for (const p of partitions) {
      for (const region of p.regions) expect(partition(region)).toMatchObject({ name: p.id, description: expect.any(String) });
    }
    // Pseudo regions (aws-global) are no place to recover to.
    expect(partitions.flatMap((p) => p.regions).filter((r) => r.endsWith('-global'))).toEqual([]);
    expect(partitionOfRegion('eu-wst-1')).toBeUndefined();
  });

  it('suggests the nearest name only when it is near', () => {
    expect(closest('eu-wst-1', ['eu-west-1', 'eu-west-2', 'us-west-1'])).toBe('eu-west-1');
    expect(closest('AP-NORTHEAST-1', ['ap-northeast-1'])).toBe('ap-northeast-1');
    expect(closest('mars-north-1', ['eu-west-1', 'us-east-1'])).toBeUndefined();
  });
});

describe('plan regions: known to the SDK, in one partition', () => {
  it('refuses a mistyped primary (eu-wst-1 has no endpoint) naming the field and the region meant', () => {
    const issues = issuesAfter(SECOND_SHAPE, (raw) => (raw.regions.primary = 'eu-wst-1'));
    expect(issues).toEqual([{ path: 'regions.primary', message: 'unknown AWS region "eu-wst-1"; did you mean eu-west-1?' }]);
  });

  it('refuses a mistyped secondary, and one with nothing near it, saying what to write', () => {
    expect(exampleAfter((raw) => (raw.regions.secondary = 'ap-northeast-4'))).toEqual([
      { path: 'regions.secondary', message: 'unknown AWS region "ap-northeast-4"; did you mean ap-northeast-1?' },
    ]);
    expect(exampleAfter((raw) => (raw.regions.secondary = 'xx-nowhere-9'))).toEqual([
      { path: 'regions.secondary', message: 'unknown AWS region "xx-nowhere-9"; use a region code the AWS SDK lists, such as us-east-1 or ap-northeast-1' },
    ]);
  });

  it('refuses regions of two partitions', () => {
    expect(exampleAfter((raw) => (raw.regions.secondary = 'cn-north-1'))).toEqual([
      { path: 'regions.secondary', message: 'cn-north-1 is in partition aws-cn, the primary ap-northeast-1 in aws: choose both regions in one partition (an account and its ARNs belong to one)' },
    ]);
  });

  it('accepts the SDK regions of other partitions as a pair (GovCloud)', () => {
    const raw = parse(readFileSync(SECOND_SHAPE, 'utf8'));
    raw.regions = { primary: 'us-gov-west-1', secondary: 'us-gov-east-1' };
    const arn = (s: string) => s.replace('arn:aws:', 'arn:aws-us-gov:').replace('eu-central-1', 'us-gov-east-1');
    byId(raw.components, 'orders-db').params.targetDbClusterArn = arn(byId(raw.components, 'orders-db').params.targetDbClusterArn);
    byId(raw.components, 'ledger-db').params.sourceDbInstanceAutomatedBackupsArn = arn(byId(raw.components, 'ledger-db').params.sourceDbInstanceAutomatedBackupsArn);
    byId(raw.components, 'warm-caches').params.functionName = arn(byId(raw.components, 'warm-caches').params.functionName);
    expect(parsePlan(stringify(raw)).regions).toEqual({ primary: 'us-gov-west-1', secondary: 'us-gov-east-1' });
  });

  it('reports an unknown region with the other problems of a plan that fails its schema', () => {
    const issues = exampleAfter((raw) => {
      raw.regions.primary = 'ap-northeest-1';
      delete byId(raw.components, 'core-database').params.replicaDbInstanceIdentifier;
    });
    expect(issues).toEqual([
      { path: 'components.0.params.replicaDbInstanceIdentifier', message: 'required for type "rds-replica-promotion": expected string' },
      { path: 'regions.primary', message: 'unknown AWS region "ap-northeest-1"; did you mean ap-northeast-1?' },
    ]);
  });

  it('checks the ARC cluster endpoints: a region the SDK knows, in the plan partition, the one the endpoint names', () => {
    const issues = exampleAfter((raw) => {
      const endpoints = byId(raw.components, 'api-gateway').params.clusterEndpoints;
      endpoints[1].region = 'us-esat-1';
      endpoints[2].region = 'eu-west-1';
    });
    expect(issues).toEqual([
      { path: 'components.2.params.clusterEndpoints.1.region', message: 'unknown AWS region "us-esat-1"; did you mean us-east-1?' },
      { path: 'components.2.params.clusterEndpoints.2.endpoint', message: 'the endpoint is in us-west-2, the entry says eu-west-1: give each endpoint with its own region, as describe-cluster lists them' },
    ]);
  });
});

describe('every ARN in the region its field implies', () => {
  it('refuses an Aurora target in us-east-1 for a Frankfurt secondary', () => {
    const issues = issuesAfter(SECOND_SHAPE, (raw) => (byId(raw.components, 'orders-db').params.targetDbClusterArn = 'arn:aws:rds:us-east-1:210987654321:cluster:shop-orders-fra'));
    expect(issues).toEqual([
      { path: 'components.0.params.targetDbClusterArn', message: 'names region us-east-1, but the cluster that becomes the writer is in the secondary region, eu-central-1: use its ARN there' },
    ]);
  });

  it('refuses an Aurora primary cluster in the secondary region, and a replicated backup outside the restore region', () => {
    const issues = issuesAfter(SECOND_SHAPE, (raw) => {
      byId(raw.components, 'orders-db').params.primaryDbClusterArn = 'arn:aws:rds:eu-central-1:210987654321:cluster:shop-orders-dub';
      byId(raw.components, 'ledger-db').params.sourceDbInstanceAutomatedBackupsArn = 'arn:aws:rds:eu-west-1:210987654321:auto-backup:ab-shop-ledger-dub';
    });
    expect(issues).toEqual([
      { path: 'components.0.params.primaryDbClusterArn', message: 'names region eu-central-1, but the writer before a recovery is in the primary region, eu-west-1: use its ARN there' },
      {
        path: 'components.1.params.sourceDbInstanceAutomatedBackupsArn',
        message: 'names region eu-west-1, but the automated backups restored from (in the restore region) is in the secondary region (params.region: secondary), eu-central-1: use its ARN there',
      },
    ]);
  });

  it("checks a customer function's ARN against its params.region, and leaves a plain function name alone", () => {
    const wrong = issuesAfter(SECOND_SHAPE, (raw) => (byId(raw.components, 'warm-caches').params.region = 'primary'));
    expect(wrong).toEqual([
      { path: 'components.3.params.functionName', message: 'names region eu-central-1, but the function (invoked in params.region) is in the primary region (params.region: primary), eu-west-1: use its ARN there' },
    ]);
    const raw = parse(readFileSync(SECOND_SHAPE, 'utf8'));
    byId(raw.components, 'warm-caches').params.region = 'primary';
    byId(raw.components, 'warm-caches').params.functionName = 'shop-warm-caches';
    expect(parsePlan(stringify(raw)).name).toBe('web-shop');
  });

  it('checks the database secrets: the recovery secret in the secondary, the others in either region', () => {
    const issues = exampleAfter((raw) => {
      const database = byId(raw.components, 'core-database').database;
      database.recoverySecretArn = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-platform/db-osaka-Ef34Gh';
      database.primarySecretArn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:dataset-platform/db-tokyo-Ab12Cd';
    });
    expect(issues).toEqual([
      { path: 'components.0.database.primarySecretArn', message: "names region us-west-2, but the primary database's secret must be in the primary (ap-northeast-1) or the secondary region (ap-northeast-3)" },
      {
        path: 'components.0.database.recoverySecretArn',
        message: "names region ap-northeast-1, but the recovered database's secret (read while the primary region may be down) is in the secondary region, ap-northeast-3: use its ARN there",
      },
    ]);
    // A replica of the primary's secret in the secondary region serves the writers as well.
    const replicated = parse(readFileSync(EXAMPLE, 'utf8'));
    byId(replicated.components, 'core-database').database.primarySecretArn = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-platform/db-tokyo-Ab12Cd';
    expect(parsePlan(stringify(replicated)).name).toBe('dataset-platform');
  });

  it("checks the re-protect replica's KMS key (primary region) and the S3 restore's key (its params.region)", () => {
    const issues = exampleAfter((raw) => {
      byId(raw.components, 'core-database').params.reprotect.kmsKeyId = 'arn:aws:kms:ap-northeast-3:123456789012:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b';
      byId(raw.components, 'dataset-restore').params.kmsKeyArn = 'arn:aws:kms:ap-northeast-3:123456789012:key/2f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b';
    });
    expect(issues).toEqual([
      { path: 'components.0.params.reprotect.kmsKeyId', message: 'names region ap-northeast-3, but the KMS key of the replica re-protect creates in the primary region is in the primary region, ap-northeast-1: use its ARN there' },
      { path: 'components.4.params.kmsKeyArn', message: "names region ap-northeast-3, but the bucket's KMS key (in the bucket's region) is in the primary region (params.region: primary), ap-northeast-1: use its ARN there" },
    ]);
  });

  it('checks a backup resource (either region) and refuses a region in a global IAM role ARN', () => {
    const issues = exampleAfter((raw) => {
      const params = byId(raw.components, 'backup-system').params;
      params.resourceArn = 'arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0';
      params.iamRoleArn = 'arn:aws:iam:ap-northeast-3:123456789012:role/dataset-platform-backup-restore';
    });
    expect(issues).toEqual([
      { path: 'components.10.params.resourceArn', message: 'names region eu-west-1, but the protected resource must be in the primary (ap-northeast-1) or the secondary region (ap-northeast-3)' },
      { path: 'components.10.params.iamRoleArn', message: 'names region ap-northeast-3, but an IAM role is global and its ARN names no region: remove it (arn:aws:iam::ACCOUNT:…)' },
    ]);
    // An S3 bucket's ARN names no region and no account.
    const bucket = parse(readFileSync(EXAMPLE, 'utf8'));
    Object.assign(byId(bucket.components, 'backup-system').params, { resourceArn: 'arn:aws:s3:::dataset-platform-shared', resourceType: 'S3' });
    expect(parsePlan(stringify(bucket)).name).toBe('dataset-platform');
  });

  it("refuses an ARN of another partition and an account id that is not 12 digits", () => {
    const issues = issuesAfter(SECOND_SHAPE, (raw) => {
      byId(raw.components, 'orders-db').params.targetDbClusterArn = 'arn:aws-cn:rds:eu-central-1:210987654321:cluster:shop-orders-fra';
      byId(raw.components, 'orders-db').params.primaryDbClusterArn = 'arn:aws:rds:eu-west-1:2109876543:cluster:shop-orders-dub';
    });
    expect(issues).toEqual([
      { path: 'components.0.params.targetDbClusterArn', message: 'the ARN is in partition "aws-cn", the plan\'s regions in "aws": write arn:aws:rds:…' },
      { path: 'components.0.params.primaryDbClusterArn', message: 'account id "2109876543" must be 12 digits' },
    ]);
  });

  it("reads a check's ARN in the check's region as the scenarios it runs in place it: a failback swaps the run's regions", () => {
    const tokyoTargetGroup = 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/auth-tokyo/4c0f1e2d3b4a5968';
    // Prepare: the Osaka target group check (region-outage, forward) pointed at Tokyo.
    const issues = exampleAfter((raw) => (byId(raw.components, 'authentication').checks[1].targetGroupArn = tokyoTargetGroup));
    expect(issues).toEqual([
      {
        path: 'components.1.checks.1.targetGroupArn',
        message: "names region ap-northeast-1, but the check (region: secondary) reads the target group in ap-northeast-3 in the scenarios it runs in (region-outage): use an ARN there or change the check's region",
      },
    ]);
    // The same check of the system in a failback reads Tokyo as its "secondary"; in a recovery it would read Osaka.
    const checked = (scenarios: string[], arn: string) => {
      const raw = parse(readFileSync(EXAMPLE, 'utf8'));
      raw.verification.checks.push({ type: 'load-balancer', name: 'tokyo-lb', onlyInScenarios: scenarios, targetGroupArn: arn });
      try {
        parsePlan(stringify(raw));
        return [];
      } catch (error) {
        return (error as PlanValidationError).issues;
      }
    };
    expect(checked(['failback'], tokyoTargetGroup)).toEqual([]);
    expect(checked(['failback', 'region-outage'], tokyoTargetGroup)).toEqual([]);
    expect(checked(['region-outage'], tokyoTargetGroup)).toEqual([
      {
        path: 'verification.checks.8.targetGroupArn',
        message: "names region ap-northeast-1, but the check (region: secondary) reads the target group in ap-northeast-3 in the scenarios it runs in (region-outage): use an ARN there or change the check's region",
      },
    ]);
    expect(checked(['failback'], tokyoTargetGroup.replace('ap-northeast-1', 'ap-northeast-3'))).toEqual([
      {
        path: 'verification.checks.8.targetGroupArn',
        message: "names region ap-northeast-3, but the check (region: secondary) reads the target group in ap-northeast-1 in the scenarios it runs in (failback; a failback swaps the run's regions): use an ARN there or change the check's region",
      },
    ]);
  });

  it("checks a security-settings check's KMS keys in the check's region", () => {
    const issues = exampleAfter((raw) => {
      byId(raw.components, 'core-database').checks[6].kmsKeyArns = ['arn:aws:kms:ap-northeast-3:123456789012:key/a', 'arn:aws:kms:us-east-1:123456789012:alias/b'];
    });
    expect(issues).toEqual([
      {
        path: 'components.0.checks.6.kmsKeyArns.1',
        message: "names region us-east-1, but the check (region: secondary) reads the KMS key in ap-northeast-3 in the scenarios it runs in (region-outage, database-failure): use an ARN there or change the check's region",
      },
    ]);
  });

  it('knows the ARN fields of every component type: each param named …Arn or …Arns is in the table', () => {
    // Prepare: the params' keys, nested objects included (a.b), from each type's schema.
    interface Node { _zod: { def: { type: string; shape?: Record<string, Node>; innerType?: Node; element?: Node } } }
    const unwrap = (node: Node): Node => (node._zod.def.innerType ? unwrap(node._zod.def.innerType) : node);
    const keys = (node: Node, prefix = ''): string[] =>
      Object.entries(unwrap(node)._zod.def.shape ?? {}).flatMap(([key, child]) => {
        const inner = unwrap(child);
        const path = `${prefix}${key}`;
        if (inner._zod.def.type === 'array') return [`${path}.*`, ...keys(inner._zod.def.element!, `${path}.*.`)];
        return [path, ...keys(inner, `${path}.`)];
      });
    // Act
    const missing = componentTypeNames.flatMap((type) => {
      const listed = new Set(COMPONENT_ARN_FIELDS[type].map((f) => f.field));
      return keys(REGISTRY[type].params as unknown as Node)
        .filter((k) => /Arns?(\.\*)?$/.test(k))
        .filter((k) => !listed.has(k))
        .map((k) => `${type}: ${k}`);
    });
    // Assess
    expect(missing).toEqual([]);
    expect(Object.keys(COMPONENT_ARN_FIELDS).sort()).toEqual([...componentTypeNames].sort());
  });

  it('accepts the example plan and the fixtures of other regions as they are', async () => {
    await expect(loadPlanFile(EXAMPLE)).resolves.toMatchObject({ regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' } });
    await expect(loadPlanFile(SECOND_SHAPE)).resolves.toMatchObject({ regions: { primary: 'eu-west-1', secondary: 'eu-central-1' } });
  });
});
