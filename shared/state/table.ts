import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, type CreateTableCommandInput, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../aws/clients.ts';

/**
 * The state table: one DynamoDB table for the recovery lock, the run records that resume needs and
 * Powertools idempotency records (`keyAttr: 'id', sortKeyAttr: 'sk', expiryAttr: 'expiration'`).
 * Items of each kind live under their own partition-key prefix, all in shared/state/keys.ts, so they
 * never collide.
 */
export const STATE_TABLE_KEYS = {
  /** Partition key (S). */
  partitionKey: 'id',
  /** Sort key (S). */
  sortKey: 'sk',
  /** TTL attribute: epoch seconds. Items without it (the lock) never expire. */
  ttl: 'expiration',
} as const;

/** Everything CreateTable needs except the name (also the source for the deployed table's definition). */
export const STATE_TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: STATE_TABLE_KEYS.partitionKey, AttributeType: 'S' },
    { AttributeName: STATE_TABLE_KEYS.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: STATE_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: STATE_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} satisfies Omit<CreateTableCommandInput, 'TableName'>;

/** The table's name (env STATE_TABLE_NAME, set by the deployment). */
export function stateTableName(): string {
  const name = process.env.STATE_TABLE_NAME;
  if (!name) throw new Error('STATE_TABLE_NAME is not set: the function needs the state table (lock and run records)');
  return name;
}

/**
 * A document client for the state table. `undefined` attributes are dropped (optional fields of a
 * record); everything else is stored as given. Endpoint and region come from the usual SDK settings
 * (tests point AWS_ENDPOINT_URL_DYNAMODB at a local dynalite).
 */
export function createStateDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return stateDocumentClient(new DynamoDBClient({ ...clientConfig(DynamoDBClient), ...config }));
}

/** The document client over an existing DynamoDB client (same marshalling as createStateDocumentClient). */
export function stateDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** What the state functions need: the client, the table, a clock and a logger. */
export interface StateDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
  logger: Logger;
}

/** Epoch seconds `days` after `from`, for the TTL attribute. */
export function expirationAfterDays(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 24 * 60 * 60;
}
