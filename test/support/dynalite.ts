import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { startLocalDynamoDb } from '../../shared/tools/local/dynamodb.ts';
import { stateDocumentClient } from '../../shared/state/table.ts';

export interface LocalDynamo {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  tableName: string;
  ddb: DynamoDBDocumentClient;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

let tables = 0;

/**
 * dynalite 4 (a DynamoDB-compatible server, in memory) on a free loopback port, with the state table
 * created from STATE_TABLE_DEFINITION (shared/tools/local/dynamodb.ts, as the drill does). Call in
 * beforeAll, stop() in afterAll.
 */
export async function startDynalite(tableName = `dr-autopilot-state-${++tables}`): Promise<LocalDynamo> {
  const local = await startLocalDynamoDb(tableName);
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'ap-northeast-3', credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } });
  const ddb = stateDocumentClient(client);
  return {
    endpoint: local.endpoint,
    tableName,
    ddb,
    client,
    stop: async () => {
      ddb.destroy();
      await local.stop();
    },
  };
}

/**
 * Points every DynamoDB client of the process (built anywhere, e.g. at a handler's module scope) at
 * `local` through the SDK's service endpoint variable, which it reads on the first request.
 */
export function useStateTable(local: LocalDynamo): void {
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
  vi.stubEnv('STATE_TABLE_NAME', local.tableName);
}
