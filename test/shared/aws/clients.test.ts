import net from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TIMEOUTS, clientConfig, createAwsClients, onFirstUse, perRegion } from '../../../shared/aws/clients.ts';
import { isUnreachable } from '../../../shared/aws/reachability.ts';
import { probeOldPrimary } from '../../../shared/components/rds-replica-promotion/fencing.ts';
import { actionContext, exampleComponent, PRIMARY } from '../../support/action-context.ts';

/**
 * A region whose endpoints are down: a server on loopback that accepts connections and never
 * answers, as a black-holed endpoint leaves a request hanging. Real SDK clients (no mocks) are
 * pointed at it with an endpoint override.
 */
let silent: net.Server;
let endpoint: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('SDK clients', () => {
  it('are built with connection and request timeouts that throw (the SDK has none by default)', () => {
    // Act
    const rds = createAwsClients().get(RDSClient, 'ap-northeast-1');
    const s3 = perRegion(S3Client)('ap-northeast-1');
    // Assess: the handler options each client was configured with.
    const options = (client: RDSClient | S3Client) => (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider;
    return Promise.all([options(rds), options(s3)]).then(([r, s]) => {
      expect(r).toMatchObject({ connectionTimeout: CLIENT_TIMEOUTS.connectionMs, requestTimeout: CLIENT_TIMEOUTS.requestMs, throwOnRequestTimeout: true });
      expect(s).toMatchObject({ connectionTimeout: CLIENT_TIMEOUTS.connectionMs, requestTimeout: CLIENT_TIMEOUTS.longRequestMs, throwOnRequestTimeout: true });
    });
  });

  it('builds a client that only some invocations need on its first use, once, then hands out the same one', () => {
    // Prepare
    let built = 0;
    const sns = onFirstUse(() => {
      built += 1;
      return new SNSClient(clientConfig(SNSClient));
    });
    // Assess: nothing built at cold start.
    expect(built).toBe(0);
    // Act
    const first = sns();
    const second = sns();
    // Assess
    expect(built).toBe(1);
    expect(second).toBe(first);
    first.destroy();
  });

  it('gives long-running services the longer request timeout, still under the 90 s of the action tasks', () => {
    expect(clientConfig(S3Client, 'eu-west-1').requestHandler.requestTimeout).toBe(60_000);
    expect(clientConfig(SNSClient, 'eu-west-1').requestHandler.requestTimeout).toBe(20_000);
    expect(CLIENT_TIMEOUTS.longRequestMs).toBeLessThan(90_000);
  });

  it('end a call to an endpoint that never answers with a TimeoutError, which counts as unreachable', async () => {
    // Prepare: the production configuration, with short timeouts so the test is quick, and one attempt.
    const config = clientConfig(RDSClient, 'ap-northeast-1', { requestMs: 300 });
    const rds = new RDSClient({ ...config, endpoint, maxAttempts: 1 });
    const started = Date.now();
    // Act
    const error = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'db' })).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(isUnreachable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    rds.destroy();
  });

  it('lets the split-brain guard read a dead primary region within its bound and call it unreachable', async () => {
    // Prepare: the old primary's region answers nothing; the client has the production timeouts.
    const rds = new RDSClient({ ...clientConfig(RDSClient, PRIMARY), endpoint, maxAttempts: 1 });
    const ctx = actionContext(await exampleComponent('rds-replica-promotion', 'core-database'), {
      clients: { get: <T>() => rds as unknown as T },
      logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
    });
    const started = Date.now();
    // Act
    const found = await probeOldPrimary(ctx);
    // Assess: bounded by the probe's 5 s, well before any Lambda timeout.
    expect(found).toEqual({ kind: 'unreachable', reason: 'AbortError: Request aborted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(Date.now() - started).toBeLessThan(8_000);
    rds.destroy();
  }, 15_000);
});
