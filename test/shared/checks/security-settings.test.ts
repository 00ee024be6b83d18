import { DescribeSecurityGroupsCommand, EC2Client, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient, NotFoundException, type KeyMetadata } from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { securitySettings } from '../../../shared/checks/schema.ts';
import { openToTheWorld, SECURITY_SETTINGS_CHECKS } from '../../../shared/checks/security-settings.ts';
import { checkContext } from '../../support/check-context.ts';

const rds = mockClient(RDSClient);
const ec2 = mockClient(EC2Client);
const kms = mockClient(KMSClient);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const DB = 'dataset-db-osaka';
const CLUSTER = 'orders-osaka';
const GROUP = 'sg-0a1b2c3d4e5f60718';
const KEY = `arn:aws:kms:${SECONDARY}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SECRETS_KEY = `arn:aws:kms:${SECONDARY}:123456789012:key/mrk-5678efgh56785678efgh5678efgh5678`;
const BUCKET_ALIAS = `arn:aws:kms:${SECONDARY}:123456789012:alias/datasets`;
const TOKYO_KEY = `arn:aws:kms:${PRIMARY}:123456789012:key/0000aaaa-00aa-00aa-00aa-000000aaaaaa`;

const regionsOf = (mock: { calls(): { thisValue: unknown }[] }) => Promise.all(mock.calls().map((c) => (c.thisValue as { config: { region(): Promise<string> } }).config.region()));
const instanceSpec = (over: Record<string, unknown> = {}) => securitySettings.parse({ type: 'security-settings', dbInstanceIdentifier: DB, ...over });
const clusterSpec = (over: Record<string, unknown> = {}) => securitySettings.parse({ type: 'security-settings', dbClusterIdentifier: CLUSTER, ...over });

/** The database as RDS describes a well-secured one. */
const instance = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: DB, DBInstanceStatus: 'available', StorageEncrypted: true, KmsKeyId: KEY, PubliclyAccessible: false,
  Endpoint: { Address: `${DB}.abc123.${SECONDARY}.rds.amazonaws.com`, Port: 5432 }, VpcSecurityGroups: [{ VpcSecurityGroupId: GROUP, Status: 'active' }], ...over,
});
const tcp = (from: number, to: number, ...cidrs: string[]): IpPermission => ({
  IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: cidrs.filter((c) => !c.includes(':')).map((CidrIp) => ({ CidrIp })),
  Ipv6Ranges: cidrs.filter((c) => c.includes(':')).map((CidrIpv6) => ({ CidrIpv6 })),
});
const group = (permissions: IpPermission[], id = GROUP): SecurityGroup => ({ GroupId: id, GroupName: `${DB}-db`, IpPermissions: permissions, IpPermissionsEgress: [] });
const key = (arn: string, over: Partial<KeyMetadata> = {}): KeyMetadata => ({ KeyId: arn.slice(arn.lastIndexOf('/') + 1), Arn: arn, KeyState: 'Enabled', Enabled: true, ...over });
const awsError = (name: string, message: string, httpStatusCode = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

/** A secured database: encrypted with an Enabled key, private, its group open to the VPC only. */
function secured() {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group([tcp(5432, 5432, '10.0.0.0/16')])] });
  kms.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => ({ KeyMetadata: key(input.KeyId) }));
}

describe('security-settings check', () => {
  beforeEach(() => [rds, ec2, kms].forEach((m) => m.reset()));
  afterEach(() => [rds, ec2, kms].forEach((m) => m.reset()));

  it('reads the instance, its security groups and keys in the check\'s region and passes when every requirement holds', async () => {
    // Prepare
    secured();
    // Act
    const outcome = await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec({ kmsKeyArns: [SECRETS_KEY, KEY] }));
    // Assess: one DescribeDBInstances, one DescribeSecurityGroups, a DescribeKey per distinct key.
    expect(rds).toHaveReceivedCommandExactlyOnceWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: DB });
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeSecurityGroupsCommand, { GroupIds: [GROUP] });
    expect(kms).toHaveReceivedCommandTimes(DescribeKeyCommand, 2);
    expect(kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: KEY });
    expect(kms).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: SECRETS_KEY });
    expect([...(await regionsOf(rds)), ...(await regionsOf(ec2)), ...(await regionsOf(kms))]).toEqual(Array(4).fill(SECONDARY));
    expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
    expect(outcome).toEqual({
      status: 'passed',
      detail: `${DB} in ${SECONDARY}: storage encrypted, not publicly accessible, no security group opens port 5432 to 0.0.0.0/0 or ::/0 (${GROUP}), 2 KMS keys Enabled`,
      observations: {
        region: SECONDARY, database: DB, kind: 'instance', storageEncrypted: true, publiclyAccessible: [], port: 5432, securityGroups: [GROUP], openToTheWorld: [],
        kmsKeys: { [KEY]: 'Enabled', [SECRETS_KEY]: 'Enabled' },
      },
    });
    // With its own key only, the detail names it.
    expect((await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec())).detail).toMatch(new RegExp(`, KMS key ${KEY} Enabled$`));
  });

  it('names every requirement not met in one detail: unencrypted, public, a group open to the world, keys not Enabled, missing or in another region', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ StorageEncrypted: false, PubliclyAccessible: true })] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        group([tcp(5432, 5432, '10.0.0.0/16', '0.0.0.0/0'), tcp(5000, 6000, '::/0')]),
        { ...group([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }], 'sg-0ffffffffffffffff'), GroupName: 'legacy' },
      ],
    });
    kms.on(DescribeKeyCommand, { KeyId: KEY }).resolves({ KeyMetadata: key(KEY, { KeyState: 'Disabled', Enabled: false }) });
    kms.on(DescribeKeyCommand, { KeyId: SECRETS_KEY }).resolves({ KeyMetadata: key(SECRETS_KEY, { KeyState: 'PendingDeletion', Enabled: false, DeletionDate: new Date('2026-12-06T00:00:00.000Z') }) });
    kms.on(DescribeKeyCommand, { KeyId: BUCKET_ALIAS }).rejects(new NotFoundException({ message: `Alias '${BUCKET_ALIAS}' is not found.`, $metadata: { httpStatusCode: 400 } }));
    // Act
    const outcome = await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec({ kmsKeyArns: [SECRETS_KEY, BUCKET_ALIAS, TOKYO_KEY] }));
    // Assess: the key of another region is not asked for.
    expect(kms).not.toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: TOKYO_KEY });
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toBe(`${DB} in ${SECONDARY}: storage is not encrypted (StorageEncrypted false); publicly accessible (PubliclyAccessible true); ` +
      `security group ${GROUP} (${DB}-db) opens tcp 5432 to 0.0.0.0/0; security group ${GROUP} (${DB}-db) opens tcp 5000-6000 to ::/0; ` +
      'security group sg-0ffffffffffffffff (legacy) opens all traffic to 0.0.0.0/0 and ::/0; ' +
      `KMS key ${KEY} is Disabled; KMS key ${SECRETS_KEY} is PendingDeletion (deletion on 2026-12-06T00:00:00.000Z); ` +
      `KMS key ${BUCKET_ALIAS} does not exist in ${SECONDARY} (NotFoundException); KMS key ${TOKYO_KEY} is in ${PRIMARY}, not ${SECONDARY}`);
    expect(outcome.observations).toMatchObject({
      storageEncrypted: false, publiclyAccessible: [DB],
      kmsKeys: { [KEY]: 'Disabled', [SECRETS_KEY]: 'PendingDeletion', [BUCKET_ALIAS]: 'NotFoundException', [TOKYO_KEY]: `in ${PRIMARY}` },
    });
  });

  it('a rule reaches the port only with protocol -1, or tcp (or 6) over a range that holds it; other sources, protocols and ports do not count', () => {
    const open = (rule: IpPermission) => openToTheWorld([group([rule])], 5432);
    expect(open(tcp(5432, 5432, '10.0.0.0/16', '192.168.0.0/16'))).toEqual([]);
    expect(open(tcp(443, 443, '0.0.0.0/0'))).toEqual([]);
    expect(open(tcp(5433, 6000, '0.0.0.0/0', '::/0'))).toEqual([]);
    expect(open({ IpProtocol: 'udp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })).toEqual([]);
    // Another protocol number opens all of its ports, but it is not TCP.
    expect(open({ IpProtocol: '47', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })).toEqual([]);
    expect(open({ ...tcp(5432, 5432), UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0' }] })).toEqual([]);
    expect(open(tcp(0, 65535, '0.0.0.0/0'))).toEqual([`security group ${GROUP} (${DB}-db) opens tcp 0-65535 to 0.0.0.0/0`]);
    expect(open({ ...tcp(5432, 5432, '::/0'), IpProtocol: '6' })).toEqual([`security group ${GROUP} (${DB}-db) opens tcp 5432 to ::/0`]);
    // The port unknown (no endpoint yet): any TCP rule open to the world counts.
    expect(openToTheWorld([group([tcp(443, 443, '0.0.0.0/0')])], undefined)).toEqual([`security group ${GROUP} (${DB}-db) opens tcp 443 to 0.0.0.0/0`]);
  });

  it('a cluster: DescribeDBClusters, its members by db-cluster-id (every page), each publicly accessible member named', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterIdentifier: CLUSTER, StorageEncrypted: true, KmsKeyId: KEY, Port: 5432, VpcSecurityGroups: [{ VpcSecurityGroupId: GROUP, Status: 'active' }] }],
    });
    rds.on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: `${CLUSTER}-1`, PubliclyAccessible: false }], Marker: 'more' })
      .resolves({ DBInstances: [{ DBInstanceIdentifier: `${CLUSTER}-2`, PubliclyAccessible: true }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [group([tcp(5432, 5432, '10.0.0.0/16')])] });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: key(KEY) });
    // Act
    const outcome = await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), clusterSpec());
    // Assess
    expect(rds).toHaveReceivedCommandExactlyOnceWith(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER });
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBInstancesCommand, 1, { Filters: [{ Name: 'db-cluster-id', Values: [CLUSTER] }] });
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBInstancesCommand, 2, { Filters: [{ Name: 'db-cluster-id', Values: [CLUSTER] }], Marker: 'more' });
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).not.toHaveProperty('Marker');
    expect(outcome).toEqual({
      status: 'failed',
      detail: `${CLUSTER} in ${SECONDARY}: publicly accessible (PubliclyAccessible true): ${CLUSTER}-2`,
      observations: expect.objectContaining({ kind: 'cluster', members: [`${CLUSTER}-1`, `${CLUSTER}-2`], publiclyAccessible: [`${CLUSTER}-2`], port: 5432 }),
    });
    // Every member private: passes.
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: `${CLUSTER}-1`, PubliclyAccessible: false }] });
    expect(await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), clusterSpec())).toMatchObject({
      status: 'passed', detail: `${CLUSTER} in ${SECONDARY}: storage encrypted, not publicly accessible, no security group opens port 5432 to 0.0.0.0/0 or ::/0 (${GROUP}), KMS key ${KEY} Enabled`,
    });
  });

  it('an unknown database fails naming DBInstanceNotFoundFault or DBClusterNotFoundFault, nothing else asked', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: `DBInstance ${DB} not found.`, $metadata: { httpStatusCode: 404 } }));
    rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: `DBCluster ${CLUSTER} not found.`, $metadata: { httpStatusCode: 404 } }));
    expect(await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec({ region: 'primary' }))).toEqual({
      status: 'failed', detail: `DescribeDBInstances ${DB} in ${PRIMARY}: DBInstanceNotFoundFault (DBInstance ${DB} not found.)`,
      observations: { api: 'DescribeDBInstances', awsError: 'DBInstanceNotFoundFault' },
    });
    expect(await regionsOf(rds)).toEqual([PRIMARY]);
    expect(await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), clusterSpec())).toEqual({
      status: 'failed', detail: `DescribeDBClusters ${CLUSTER} in ${SECONDARY}: DBClusterNotFoundFault (DBCluster ${CLUSTER} not found.)`,
      observations: { api: 'DescribeDBClusters', awsError: 'DBClusterNotFoundFault' },
    });
    expect(ec2).not.toHaveReceivedCommand(DescribeSecurityGroupsCommand);
    expect(kms).not.toHaveReceivedCommand(DescribeKeyCommand);
  });

  it('a security group EC2 does not know is one of the problems named; the keys are still checked', async () => {
    secured();
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('InvalidGroup.NotFound', `The security group '${GROUP}' does not exist`));
    const outcome = await SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec());
    expect(outcome).toMatchObject({
      status: 'failed', detail: `${DB} in ${SECONDARY}: DescribeSecurityGroups ${GROUP}: InvalidGroup.NotFound (The security group '${GROUP}' does not exist)`,
      observations: { kmsKeys: { [KEY]: 'Enabled' } },
    });
  });

  it.each([
    ['RDS', 'Throttling', () => rds.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 'Rate exceeded'))],
    ['EC2', 'RequestLimitExceeded', () => ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'))],
    ['KMS', 'ThrottlingException', () => kms.on(DescribeKeyCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'))],
  ] as const)('%s throttling (%s) is rethrown as AwsThrottlingError', async (_service, _name, throttle) => {
    secured();
    throttle();
    await expect(SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec())).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
  });

  it('a 5xx is rethrown as AwsTransientError', async () => {
    secured();
    kms.on(DescribeKeyCommand).rejects(awsError('KMSInternalException', 'internal error', 500));
    await expect(SECURITY_SETTINGS_CHECKS['security-settings'](checkContext(), instanceSpec())).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
  });
});
