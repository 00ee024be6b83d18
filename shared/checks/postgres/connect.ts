import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from '../../aws/clients.ts';
import pg from 'pg';
import { _default, boolean, int, maximum, minimum, minLength, number, object, pipe, regex, string, transform, union, type output } from 'zod/mini';
import { InvalidInputError } from '../../errors.ts';
import type { PostgresConnector, SqlClient } from '../types.ts';
import { sqlState } from './sql.ts';
import { INPUT_PARSE } from '../../run/schema-messages.ts';

/**
 * A database secret as RDS and Secrets Manager's rotation templates write it (extra keys such as
 * engine or dbInstanceIdentifier are ignored). As documented for PostgreSQL, `port` defaults to
 * 5432 and `dbname` to postgres. `ssl: false` turns TLS off (local tests only); otherwise the
 * connection requires TLS with a verified certificate (in Lambda, NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem
 * makes Node trust the RDS certificate authorities).
 */
export const postgresSecret = object({
  host: string().check(minLength(1)),
  // zod/mini (not zod): the heartbeat writer and the checks stay small (zod's full API adds ≈ 440 KiB).
  port: _default(pipe(union([int(), string().check(regex(/^\d+$/))]), pipe(transform(Number), number().check(minimum(1), maximum(65_535)))), 5432),
  username: string().check(minLength(1)),
  password: string().check(minLength(1)),
  dbname: _default(string().check(minLength(1)), 'postgres'),
  ssl: _default(boolean(), true),
});
export type PostgresSecret = output<typeof postgresSecret>;

export interface ConnectOptions {
  /** Time to open the connection (TCP, TLS, authentication). Default 10 s. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement (statement_timeout). Default 5 min (a checksum scans whole tables). */
  statementTimeoutMs?: number;
  /** How long a fetched secret is reused. Default 5 min; an authentication failure drops it at once (rotation). */
  secretTtlMs?: number;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/;

/** The region a Secrets Manager secret lives in, from its ARN. */
export function secretRegion(secretArn: string): string {
  const match = SECRET_ARN.exec(secretArn);
  if (!match) throw new InvalidInputError(`${secretArn} is not a Secrets Manager secret ARN`, { field: 'secretArn' });
  return match[1]!;
}

/**
 * Validates a secret's text. Errors name the secret and the fields, never a value: the text is a
 * password (a JSON parse error would quote it, so none is kept as the cause).
 */
export function parsePostgresSecret(secretArn: string, secretString: string | undefined): PostgresSecret {
  if (secretString === undefined) throw new InvalidInputError(`secret ${secretArn} has no SecretString (binary secrets are not supported)`, { secretArn, field: 'SecretString' });
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new InvalidInputError(`secret ${secretArn} is not JSON: it must hold host, port, username, password and dbname`, { secretArn, field: 'SecretString' });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidInputError(`secret ${secretArn} must be a JSON object with host, port, username, password and dbname`, { secretArn, field: 'SecretString' });
  }
  const parsed = postgresSecret.safeParse(json, INPUT_PARSE);
  if (parsed.success) return parsed.data;
  const given = json as Record<string, unknown>;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const value = given[String(issue.path[0])];
    return { field, text: value === undefined || value === null ? `${field} is missing` : `${field} is invalid (${issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message})` };
  });
  throw new InvalidInputError(`secret ${secretArn}: ${problems.map((p) => p.text).join('; ')}`, { secretArn, field: problems[0]!.field, fields: problems.map((p) => p.field) });
}

/** pg's own timeout error has no code; give it the one Node uses so classifyError treats it like ECONNREFUSED (retryable). */
function withTimeoutCode(error: unknown): unknown {
  if (error instanceof Error && (error as { code?: unknown }).code === undefined && /timeout/i.test(error.message)) {
    Object.assign(error, { code: 'ETIMEDOUT' });
  }
  return error;
}

/**
 * Opens PostgreSQL connections with the credentials of a Secrets Manager secret: GetSecretValue in
 * the secret's region, a `pg.Client` with connect and statement timeouts, application_name
 * dr-autopilot and TLS required. Connection errors are thrown as pg reports them (ECONNREFUSED,
 * ETIMEDOUT, ENOTFOUND are retryable for classifyError; a refused password is not). Secrets are
 * cached per ARN for `secretTtlMs`.
 */
export function postgresConnector(secrets: (region: string) => SecretsManagerClient, options: ConnectOptions = {}): PostgresConnector {
  const ttl = options.secretTtlMs ?? 5 * 60_000;
  const cache = new Map<string, { at: number; secret: Promise<PostgresSecret> }>();

  const secretFor = (secretArn: string): Promise<PostgresSecret> => {
    const cached = cache.get(secretArn);
    if (cached && Date.now() - cached.at < ttl) return cached.secret;
    const secret = (async () => {
      const out = await secrets(secretRegion(secretArn)).send(new GetSecretValueCommand({ SecretId: secretArn }));
      return parsePostgresSecret(secretArn, out.SecretString);
    })();
    cache.set(secretArn, { at: Date.now(), secret });
    secret.catch(() => cache.delete(secretArn));
    return secret;
  };

  return async (secretArn: string): Promise<SqlClient> => {
    const secret = await secretFor(secretArn);
    const client = new pg.Client({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
      ssl: secret.ssl ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 5 * 60_000,
      // A check never waits long behind another session's lock (the canary upsert, our schema).
      lock_timeout: 30_000,
      application_name: 'dr-autopilot',
      keepAlive: true,
    });
    // A connection dropped while idle (the server stopped) surfaces at the next query; without a
    // listener, the 'error' event would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      // 28P01 invalid_password, 28000 invalid_authorization: the secret may have been rotated.
      if (sqlState(error)?.startsWith('28')) cache.delete(secretArn);
      await client.end().catch(() => undefined);
      throw withTimeoutCode(error);
    }
    return client as unknown as SqlClient;
  };
}

/** The verify functions' connector: secrets read with the functions' Secrets Manager client of the secret's region. */
export function secretsManagerConnector(clients: AwsClients, options: ConnectOptions = {}): PostgresConnector {
  return postgresConnector((region) => clients.get(SecretsManagerClient, region), options);
}
