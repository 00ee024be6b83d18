import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { STATE_TABLE_DEFINITION } from '../../state/table.ts';
import { holdingClock } from './virtual-clock.ts';

export interface LocalDynamoDb {
  endpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * A real DynamoDB-compatible server (dynalite, in memory, on a loopback port) with the state table
 * created from the same definition serverless.yml deploys. For the drill and local runs.
 */
export async function startLocalDynamoDb(tableName = 'dr-autopilot-state', region = 'ap-northeast-3'): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ region, endpoint, credentials: CREDENTIALS });
  try {
    await client.send(new CreateTableCommand({ ...STATE_TABLE_DEFINITION, TableName: tableName }));
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    tableName,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A DynamoDB-compatible server someone else runs (`drill --state-endpoint`): the state table is created
 * there when missing and kept when the drill ends, so `dr-autopilot status` and `unlock` can read it after.
 */
export async function useDynamoDb(endpoint: string, tableName: string, region = 'ap-northeast-3'): Promise<LocalDynamoDb> {
  const client = new DynamoDBClient({ region, endpoint, credentials: CREDENTIALS });
  try {
    await client.send(new CreateTableCommand({ ...STATE_TABLE_DEFINITION, TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName, stop: async () => undefined };
}

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;

/**
 * Sends every DynamoDB call of this process (the SDK client and the document client, built anywhere:
 * the handlers, Powertools idempotency) to the local server, holding simulated time while each call
 * is in flight. Other services stay as they are (the drill mocks them). restore() undoes it.
 */
export function routeDynamoDb(endpoint: string, region = 'ap-northeast-3'): { restore(): void } {
  // One attempt: an SDK retry would wait on a timer, and simulated time is held during the call.
  const real = new DynamoDBClient({ region, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  const realDocument = DynamoDBDocumentClient.from(real, { marshallOptions: { removeUndefinedValues: true } });
  // The generic smithy Client#send, which DynamoDBClient and DynamoDBDocumentClient inherit.
  const smithySend = Object.getPrototypeOf(DynamoDBClient.prototype).send as Send;
  const patched: [object, PropertyDescriptor | undefined][] = [];
  const route = (proto: object, target: unknown) => {
    patched.push([proto, Object.getOwnPropertyDescriptor(proto, 'send')]);
    Object.defineProperty(proto, 'send', {
      configurable: true,
      writable: true,
      value(command: unknown, ...rest: unknown[]) {
        return holdingClock(() => smithySend.call(target, command, ...rest));
      },
    });
  };
  route(DynamoDBClient.prototype, real);
  route(DynamoDBDocumentClient.prototype, realDocument);
  return {
    restore() {
      for (const [proto, descriptor] of patched.reverse()) {
        if (descriptor) Object.defineProperty(proto, 'send', descriptor);
        else delete (proto as { send?: unknown }).send;
      }
      real.destroy();
    },
  };
}
