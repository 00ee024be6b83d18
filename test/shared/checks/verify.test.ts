import net from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyDeps } from '../../../shared/checks/verify.ts';

const ARN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-tokyo-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
const logger = new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('verifyDeps', () => {
  afterEach(() => secretsManager.reset());

  it('connects to databases with the secret, read in the secret\'s region, once a database check asks', async () => {
    // Prepare: a secret naming a port nothing listens on.
    const port = await closedPort();
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: JSON.stringify({ host: '127.0.0.1', port, username: 'u', password: 'p', ssl: false }) });
    const deps = verifyDeps(logger);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0); // nothing read before a check connects
    // Act
    const error = await deps.io.postgres!(ARN).catch((e: unknown) => e as Error & { code?: string });
    // Assess
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: ARN });
    const region = await (secretsManager.commandCalls(GetSecretValueCommand)[0]!.thisValue as SecretsManagerClient).config.region();
    expect(region).toBe('ap-northeast-1');
  });

  it('takes the I/O it is given: no database (null) or another fetch', () => {
    const fetch = (() => Promise.reject(new Error('unused'))) as typeof globalThis.fetch;
    const deps = verifyDeps(logger, { postgres: null, fetch });
    expect(deps.io).toEqual({ postgres: null, fetch });
  });
});
