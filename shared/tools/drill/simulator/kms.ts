import { DescribeKeyCommand, KMSClient, type DescribeKeyCommandInput, type KeyMetadata } from '@aws-sdk/client-kms';
import { planChecksOf } from './ec2.ts';
import { simulateClient } from './intercept.ts';
import { databaseKmsKeyArn, rdsKmsKeys } from './rds.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type World } from './world.ts';

// KMS throttles with ThrottlingException (https://docs.aws.amazon.com/kms/latest/developerguide/throttling.html).
const SIM: ServiceSimulation = { service: 'kms', throttleError: 'ThrottlingException' };

/** When every simulated key was created: long before any drill (as the seeded databases, rds.ts). */
const CREATED = new Date(0);

interface SimulatedKey { arn: string; region: string; account: string; keyId: string; aliases: string[] }

const ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

/**
 * KMS as the `security-settings` checks read it: DescribeKey
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html) of
 * - every key the simulated databases are encrypted with (rds.ts rdsKmsKeys: each database's own key of its region,
 *   databaseKmsKeyArn, or the key it was created with), read when asked (a replica created during the drill has one);
 * - every key ARN the plan's `security-settings` checks list in kmsKeyArns; an alias ARN there is an alias of a key
 *   of its own (its id derived from the alias as a database key's is from the database).
 * Each key: KeyState Enabled, Enabled true, a symmetric ENCRYPT_DECRYPT customer managed key (KeyManager CUSTOMER,
 * Origin AWS_KMS), MultiRegion only for an `mrk-` key id (multi-Region keys' ids start so:
 * https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html); no simulated key is a
 * multi-Region one otherwise (assumption: each region's database has a regional key of its own). KeyId may be a key
 * ARN, a key id, an alias ARN or an alias name (alias/NAME), as DescribeKey accepts; resolved in the client's region.
 * Anything else is NotFoundException ("Key '…' does not exist", "Alias '…' is not found": the AWS CLI's wording,
 * unconfirmed), including a key ARN of another region (assumption: KMS looks the ARN up in the region asked). A key
 * in a region the drill's outage takes down does not answer (service.ts `answer`). Every other KMS command is refused.
 */
export function simulateKms(world: World): SimulatedService {
  const stub = simulateClient(KMSClient);

  /** Every key now, by key ARN; aliases by alias ARN → key ARN. */
  function keys(): { byArn: Map<string, SimulatedKey>; aliases: Map<string, string> } {
    const byArn = new Map<string, SimulatedKey>();
    const aliases = new Map<string, string>();
    const addKey = (arn: string) => {
      const m = ARN.exec(arn);
      if (!m || m[4] !== 'key') return undefined;
      if (!byArn.has(arn)) byArn.set(arn, { arn, region: m[2]!, account: m[3]!, keyId: m[5]!, aliases: [] });
      return byArn.get(arn);
    };
    for (const arn of rdsKmsKeys(world)) addKey(arn);
    for (const { check } of planChecksOf(world, 'security-settings')) {
      for (const arn of check.kmsKeyArns) {
        const m = ARN.exec(arn);
        if (m?.[4] === 'alias') {
          const key = addKey(databaseKmsKeyArn(m[3]!, m[2]!, `alias/${m[5]!}`).replace(/^arn:aws:/, `arn:${m[1]!}:`));
          if (key && !key.aliases.includes(arn)) key.aliases.push(arn);
          if (key) aliases.set(arn, key.arn);
        } else {
          addKey(arn);
        }
      }
    }
    return { byArn, aliases };
  }

  const metadata = (k: SimulatedKey): KeyMetadata => ({
    AWSAccountId: k.account,
    KeyId: k.keyId,
    Arn: k.arn,
    CreationDate: CREATED,
    Enabled: true,
    Description: `simulated customer managed key${k.aliases.length > 0 ? ` (${k.aliases.map((a) => a.slice(a.indexOf('alias/'))).join(', ')})` : ''}`,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: 'Enabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: k.keyId.startsWith('mrk-'),
  });

  refuseOthers(SIM, stub);
  answer(world, SIM, stub, DescribeKeyCommand, (input: DescribeKeyCommandInput, region) => {
    const asked = input.KeyId ?? '';
    const { byArn, aliases } = keys();
    const inRegion = [...byArn.values()].filter((k) => k.region === region);
    let key: SimulatedKey | undefined;
    if (asked.startsWith('arn:')) {
      const aliasOf = aliases.get(asked);
      key = byArn.get(aliasOf ?? asked);
      if (key && key.region !== region) key = undefined;
    } else if (asked.startsWith('alias/')) {
      key = inRegion.find((k) => k.aliases.some((a) => a.endsWith(`:${asked}`)));
    } else {
      key = inRegion.find((k) => k.keyId === asked);
    }
    if (!key) {
      throw asked.includes('alias/')
        ? awsError('NotFoundException', `Alias '${asked}' is not found.`, 400)
        : awsError('NotFoundException', `Key '${asked}' does not exist`, 400);
    }
    return { KeyMetadata: metadata(key) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, string>> = {};
      for (const k of keys().byArn.values()) (out[k.region] ??= {})[k.arn] = 'Enabled';
      return { keys: out };
    },
  };
}
