import net from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../../shared/aws/clients.ts';
import { parsePostgresSecret, postgresConnector, secretRegion } from '../../../../shared/checks/postgres/connect.ts';
import { classifyError } from '../../../../shared/errors.ts';
import { startPostgres, type LocalPostgresSecret, type SingleServer } from '../../../../shared/tools/local/postgres.ts';

const ARN = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-db-osaka-AbCdEf';
const PASSWORD = 'Tr0ub4dor&3-never-log-me';
const secretsManager = mockClient(SecretsManagerClient);
const secrets = (region: string) => createAwsClients().get(SecretsManagerClient, region);
const regionsCalled = () =>
  Promise.all(secretsManager.commandCalls(GetSecretValueCommand).map((c) => (c.thisValue as { config: { region(): Promise<string> } }).config.region()));

let server: SingleServer;
let secret: LocalPostgresSecret;
const answer = (value: unknown) => secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: typeof value === 'string' ? value : JSON.stringify(value) });
/** Whatever an error carries, as text: message, details, cause. */
const everything = (error: unknown) => JSON.stringify({ error, message: (error as Error).message, cause: String((error as Error).cause ?? '') }) + String(error);

describe('postgresConnector', () => {
  beforeAll(async () => {
    server = await startPostgres();
    secret = server.secret();
  });
  afterEach(() => secretsManager.reset());
  afterAll(async () => {
    await server?.close();
  });

  it('fetches the secret with GetSecretValue in the ARN\'s region and connects with it: application_name, statement timeout', async () => {
    // Prepare
    answer(secret);
    const connect = postgresConnector(secrets, { statementTimeoutMs: 45_000 });
    // Act
    const sql = await connect(ARN);
    const { rows } = await sql.query<{ app: string; timeout: string; db: string }>(
      "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS timeout, current_database() AS db",
    );
    await sql.end();
    // Assess
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: ARN });
    expect(await regionsCalled()).toEqual(['ap-northeast-3']);
    expect(rows[0]).toEqual({ app: 'dr-autopilot', timeout: '45s', db: 'postgres' });
  });

  it('takes RDS\'s documented defaults (port 5432 as a string is fine, dbname postgres) and ignores extra keys', () => {
    expect(parsePostgresSecret(ARN, JSON.stringify({ engine: 'postgres', host: 'db.example', port: '6432', username: 'u', password: PASSWORD, dbInstanceIdentifier: 'dataset-db' }))).toEqual({
      host: 'db.example',
      port: 6432,
      username: 'u',
      password: PASSWORD,
      dbname: 'postgres',
      ssl: true,
    });
    expect(parsePostgresSecret(ARN, JSON.stringify({ host: 'db.example', username: 'u', password: PASSWORD, dbname: 'app' }))).toMatchObject({ port: 5432, dbname: 'app' });
  });

  it('requires TLS unless the secret says "ssl": false: a server without TLS is refused', async () => {
    // Prepare
    const { ssl: _ssl, ...withoutSsl } = secret;
    answer(withoutSsl);
    // Act + Assess
    await expect(postgresConnector(secrets)(ARN)).rejects.toThrow('The server does not support SSL connections');
  });

  it('caches the secret per ARN, and fetches it again after the password was refused (rotation)', async () => {
    // Prepare
    answer({ ...secret, password: PASSWORD });
    const connect = postgresConnector(secrets);
    // Act
    const refused = await connect(ARN).catch((error: unknown) => error);
    answer(secret);
    const sql = await connect(ARN);
    const again = await connect(ARN);
    await Promise.all([sql.end(), again.end()]);
    // Assess
    expect(refused).toMatchObject({ code: '28P01', message: 'password authentication failed for user "postgres"' });
    expect(everything(refused)).not.toContain(PASSWORD);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  describe('a secret that is not usable is an InvalidInputError naming the field, never showing the password', () => {
    const cases: [string, string, string, RegExp][] = [
      ['host missing', JSON.stringify({ username: 'u', password: PASSWORD }), 'host', /: host is missing$/],
      ['username and password missing', JSON.stringify({ host: 'h' }), 'username', /: username is missing; password is missing$/],
      ['port not a number', JSON.stringify({ host: 'h', port: 'five', username: 'u', password: PASSWORD }), 'port', /: port is invalid/],
      ['password not a string', JSON.stringify({ host: 'h', username: 'u', password: 12345678 }), 'password', /: password is invalid \(expected string\)$/],
      ['not JSON', `host=h user=u password=${PASSWORD}`, 'SecretString', /is not JSON: it must hold host, port, username, password and dbname$/],
      ['a JSON string', JSON.stringify(PASSWORD), 'SecretString', /must be a JSON object/],
    ];
    for (const [what, text, field, message] of cases) {
      it(what, async () => {
        // Prepare
        answer(text);
        // Act
        const error = await postgresConnector(secrets)(ARN).catch((e: unknown) => e);
        // Assess
        expect(error).toMatchObject({ name: 'InvalidInputError', message: expect.stringMatching(message), details: { secretArn: ARN, field } });
        expect((error as Error).message).toContain(ARN);
        expect(everything(error)).not.toContain(PASSWORD);
        expect((error as Error).cause).toBeUndefined();
      });
    }
  });

  it('reads the region from the ARN and refuses what is not a secret ARN', () => {
    expect(secretRegion('arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:x-AbCdEf')).toBe('ap-northeast-1');
    expect(() => secretRegion('dataset-db-secret')).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
  });

  it('leaves connection errors as pg throws them: refused and timed out are retryable for classifyError', async () => {
    // Prepare: nothing listens on a freed port; a server that accepts and never answers.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const connect = postgresConnector(secrets, { connectTimeoutMs: 300 });
    // Act
    answer({ ...secret, port: closedPort });
    const refused = await connect(ARN).catch((e: unknown) => e);
    secretsManager.reset();
    answer({ ...secret, port: silentPort });
    const timedOut = await postgresConnector(secrets, { connectTimeoutMs: 300 })(ARN).catch((e: unknown) => e);
    silent.close();
    // Assess
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(timedOut).toMatchObject({ code: 'ETIMEDOUT', message: expect.stringMatching(/timeout/i) });
    expect([classifyError(refused), classifyError(timedOut)].map((e) => [e.name, e.retryable])).toEqual([
      ['AwsTransientError', true],
      ['AwsTransientError', true],
    ]);
    expect(everything(refused) + everything(timedOut)).not.toContain(secret.password);
  });
});
