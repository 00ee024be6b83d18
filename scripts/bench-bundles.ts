// Bundle benchmark: `npm run bench:bundles [-- --runs N] [--only FUNCTION,…]`. Bundles every
// functions/*.ts with the serverless-esbuild options (split in chunks: scripts/esbuild-options.cjs) and
// two baselines built the same way: one holding only the SDK clients the function loads and the
// commands it sends with them, and one holding those plus the runtime libraries its code imports
// (Powertools, middy, zod/mini). It reports sizes and the cost of importing each in a fresh Node
// process: at cold start (the function's entry and the chunks it imports statically) and, for each
// chunk the function loads with import() (a component type's recovery action), the cold start followed
// by that first use, whose baselines import what it adds with import() too. The cost is the median
// time of N rounds (default 15), a ratio the median of each round's ratio (pairedRatio). The target is
// the own-code ratio (import ÷ clients + runtime ≤ 1.2; README, "What the import target measures"). Numbers
// only: it exits 0 whatever they are, 2 on a bad flag, and 1 when a bundle cannot be built or imported.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);
const outDir = path.join(root, '.bench', 'bundles');
const SIZE_TARGET_KIB = 400;
const RATIO_TARGET = 1.2;

/** The function bundle options, minus the keys only serverless-esbuild understands; its plugins file loaded. */
export function esbuildOptions(): BuildOptions {
  const require = createRequire(import.meta.url);
  const { exclude: _e, packager: _p, outputFileExtension: _o, plugins, ...options } = require('./esbuild-options.cjs') as Record<string, unknown> & { plugins: string };
  return {
    ...options, plugins: require(path.join(root, plugins)) as Plugin[], outExtension: { '.js': '.mjs' },
    absWorkingDir: root, metafile: true, write: true, logLevel: 'silent',
  };
}

/** A client the function loads: its package name, client class, folder, and the commands it sends with it (sorted). */
export interface SdkClient { name: string; className: string; dir: string; commands?: string[] }

/** The package a client is imported from: @aws-sdk/client-<name>, @aws-sdk/lib-dynamodb, or a database driver. */
function packageOf(c: SdkClient): string {
  if (DATABASE_CLIENTS[c.name]) return c.name;
  return c.name.startsWith('lib-') ? `@aws-sdk/${c.name}` : `@aws-sdk/client-${c.name}`;
}

/**
 * The services the clients talk to: the DynamoDB document client (lib-dynamodb) is DynamoDB's, so a
 * function that reads the state table through it is a one-client function.
 */
export function servicesOf(clients: SdkClient[]): Set<string> {
  return new Set(clients.map((c) => (c.name === 'lib-dynamodb' ? 'dynamodb' : c.name)));
}

/**
 * Database drivers counted as clients beside the SDK's: a function that talks to PostgreSQL carries
 * its client library as it carries an SDK client, so its baseline holds it too.
 */
const DATABASE_CLIENTS: Record<string, string> = { pg: 'Client' };

/**
 * Clients in the bundle: inputs under node_modules/@aws-sdk/client-<name>/, the SDK's DynamoDB
 * document client (@aws-sdk/lib-dynamodb, named lib-dynamodb) and the database drivers above, that
 * contribute bytes to the given output files (all of them by default). metafile.inputs alone also
 * lists modules parsed, then tree-shaken away entirely.
 */
export function sdkClients(metafile: Metafile, options: { outputs?: Iterable<string>; resolveClassName?: (dir: string) => string } = {}): SdkClient[] {
  const resolveClassName = options.resolveClassName ?? clientClassName;
  const found = new Map<string, SdkClient>();
  const outputs = options.outputs ? [...options.outputs].map((file) => metafile.outputs[file]!) : Object.values(metafile.outputs);
  const bundled = outputs.flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0));
  const commands = new Map<string, Set<string>>();
  for (const [input] of bundled) {
    const match = /^(.*node_modules\/@aws-sdk\/(?:client-([^/]+)|(lib-dynamodb)))\/(?:dist-es\/commands\/(\w+Command)\.js$)?/.exec(input);
    const name = match?.[2] ?? match?.[3];
    if (match && name && !found.has(name)) {
      const dir = path.resolve(root, match[1]!);
      found.set(name, { name, className: resolveClassName(dir), dir });
    }
    if (name && match?.[4]) commands.set(name, (commands.get(name) ?? new Set()).add(match[4]));
    const driver = /^(.*node_modules\/([^/@][^/]*))\//.exec(input);
    if (driver && DATABASE_CLIENTS[driver[2]!] && !found.has(driver[2]!)) {
      found.set(driver[2]!, { name: driver[2]!, className: DATABASE_CLIENTS[driver[2]!]!, dir: path.resolve(root, driver[1]!) });
    }
  }
  return [...found.values()]
    .map((c) => (commands.has(c.name) ? { ...c, commands: [...commands.get(c.name)!].sort() } : c))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every client package ships its client class as dist-es/<Name>Client.js (e.g. SNSClient). */
function clientClassName(dir: string): string {
  const file = readdirSync(path.join(dir, 'dist-es')).find((f) => /^\w+Client\.js$/.test(f));
  if (!file) throw new Error(`No client class found in ${dir}/dist-es`);
  return file.slice(0, -'.js'.length);
}

/**
 * A module holding only the given clients and the commands the function sends with them (a client
 * without its commands sends nothing; their serialisers are SDK code): it references each class so
 * none is tree-shaken. Commands are aliased by client, as two packages may name one alike (QueryCommand).
 */
export function baselineSource(clients: SdkClient[]): string {
  if (clients.length === 0) return '';
  const alias = (c: SdkClient, command: string) => `${c.name.replace(/\W/g, '_')}_${command}`;
  // pg is CommonJS: its classes hang off the default export.
  const imports = clients.map((c) => {
    if (DATABASE_CLIENTS[c.name]) return `import ${c.name} from '${c.name}';`;
    const names = [c.className, ...(c.commands ?? []).map((command) => `${command} as ${alias(c, command)}`)];
    return `import { ${names.join(', ')} } from '${packageOf(c)}';`;
  });
  const refs = clients.flatMap((c) => (DATABASE_CLIENTS[c.name] ? [`${c.name}.${c.className}`] : [c.className, ...(c.commands ?? []).map((command) => alias(c, command))]));
  return `${imports.join('\n')}\nexport const clients = [${refs.join(', ')}];\n`;
}

/**
 * The runtime libraries every handler is built on, beside the SDK: Powertools (Logger, Metrics,
 * idempotency), middy and zod/mini. The second baseline adds what the function's own code imports
 * from them to its clients, so "own code" is measured against the SDK and these together.
 */
const RUNTIME_LIBRARY = /^(?:@aws-lambda-powertools\/|@middy\/core$|zod(?:\/|$))/;

/** Module → the names the given source files import from the runtime libraries ('default', or '*' for a namespace); type-only imports left out. */
export function runtimeImports(files: Array<{ file: string; source: string }>): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (from: string, name: string) => found.set(from, (found.get(from) ?? new Set()).add(name));
  for (const { file, source } of files) {
    for (const statement of ts.createSourceFile(file, source, ts.ScriptTarget.Latest).statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const from = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (!RUNTIME_LIBRARY.test(from) || !clause || clause.isTypeOnly) continue;
      if (clause.name) add(from, 'default');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) add(from, '*');
      else for (const element of bindings?.elements ?? []) if (!element.isTypeOnly) add(from, (element.propertyName ?? element.name).text);
    }
  }
  return found;
}

/** The clients' baseline plus a reference to every runtime-library name the function imports. */
export function runtimeBaselineSource(clients: SdkClient[], imports: Map<string, Set<string>>): string {
  const lines: string[] = [];
  const refs: string[] = [];
  [...imports].sort(([a], [b]) => a.localeCompare(b)).forEach(([from, names], m) => {
    const named: string[] = [];
    [...names].sort().forEach((name, n) => {
      const ref = `runtime_${m}_${n}`;
      refs.push(ref);
      if (name === 'default') lines.push(`import ${ref} from '${from}';`);
      else if (name === '*') lines.push(`import * as ${ref} from '${from}';`);
      else named.push(`${name} as ${ref}`);
    });
    if (named.length > 0) lines.push(`import { ${named.join(', ')} } from '${from}';`);
  });
  const sdk = baselineSource(clients);
  if (refs.length === 0) return sdk;
  return `${sdk}${lines.join('\n')}\nexport const runtime = [${refs.join(', ')}];\n`;
}

/** The function's own source files (outside node_modules) that contribute bytes to the given outputs. */
export function ownSources(metafile: Metafile, outputs: Iterable<string>): string[] {
  const files = new Set<string>();
  for (const file of outputs) {
    for (const [input, i] of Object.entries(metafile.outputs[file]!.inputs)) if (i.bytesInOutput > 0 && !input.includes('node_modules/') && /\.ts$/.test(input)) files.add(input);
  }
  return [...files].sort();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of the per-round ratios: each round imports the function and its baselines one after
 * the other, so a round's ratio is measured under one load of the machine, and drift between rounds
 * (another process, CPU frequency) cancels out rather than widening the spread of either median.
 */
export function pairedRatio(numerators: number[], denominators: number[]): number {
  if (numerators.length !== denominators.length || numerators.length === 0) throw new Error('pairedRatio needs as many samples on each side, at least one');
  return median(numerators.map((n, i) => n / denominators[i]!));
}

/** The output files a module loads when imported: it and the chunks it imports statically, transitively. */
export function staticOutputs(metafile: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const todo = [output];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file) || !metafile.outputs[file]) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]!.imports) if (imported.kind === 'import-statement' && !imported.external) todo.push(imported.path);
  }
  return seen;
}

/**
 * What a function loads: at cold start, and on each first use of a chunk of its own code that it
 * loads with import() (the SDK's lazily loaded credential providers are not counted: Lambda's
 * credentials come from the environment).
 */
export interface LoadPath { label: string; files: string[]; outputs: Set<string> }

export function loadPaths(metafile: Metafile, fn: string): LoadPath[] {
  const entries = Object.entries(metafile.outputs);
  const [entry] = entries.find(([, o]) => o.entryPoint === `functions/${fn}.ts`) ?? [];
  if (!entry) throw new Error(`No output for functions/${fn}.ts`);
  const atStart = staticOutputs(metafile, entry);
  const lazy = entries
    // Not the SDK's (node_modules) nor a plugin's module (namespace:path, scripts/esbuild-plugins.cjs).
    .filter(([file, o]) => file !== entry && o.entryPoint !== undefined && !o.entryPoint.includes('node_modules/') && !/^[\w-]+:/.test(o.entryPoint))
    .map(([file, o]) => ({
      label: `  then ${o.entryPoint!.replace(/^shared\//, '').replace(/\.ts$/, '')}`,
      files: [entry, file],
      outputs: new Set([...atStart, ...staticOutputs(metafile, file)]),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return [{ label: fn, files: [entry], outputs: atStart }, ...lazy];
}

const IMPORT_TIMER = 'const t = performance.now(); for (const f of process.argv.slice(1)) await import(f); process.stdout.write(String(performance.now() - t));';

/** Milliseconds to import the files, in order, in a fresh Node process. */
function importMs(files: string[]): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, ...files.map((f) => pathToFileURL(f).href)], { cwd: root, encoding: 'utf8' });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`Importing ${files.join(', ')} failed:\n${run.stderr || run.stdout}`);
  return ms;
}

/** The total of instructions executed, from the summary valgrind's cachegrind prints on stderr ("I refs: 123,456"). */
export function instructionsOf(valgrindStderr: string): number {
  const found = /I\s+refs:\s+([\d,]+)/.exec(valgrindStderr);
  if (!found) throw new Error(`No instruction count in valgrind's output:\n${valgrindStderr.slice(-2000)}`);
  return Number(found[1]!.replaceAll(',', ''));
}

/** V8's flags for a count that depends only on the code imported (see importInstructions). */
const V8_FLAGS = ['--single-threaded', '--predictable', '--predictable-gc-schedule', '--no-turbofan'];

/**
 * Instructions (millions) a fresh Node process executes importing the files, in order, counted by
 * valgrind. V8 runs in its predictable mode (`--predictable`, with `--single-threaded`: no background
 * threads, so its compiler's work is counted, and no decision left to timing), with a predictable
 * garbage-collection schedule and without its optimizing compiler (TurboFan). Predictable mode alone
 * repeats a count from one run to the next, but not from one directory to another: it compiles a hot
 * function with TurboFan on the main thread, and whether a function gets hot enough during an import
 * depended on incidental work such as the length of a file's path. The same clients baseline counted
 * 294.0 M under baselines/7 and 303.8 M under baselines/45 (a TurboFan compile), and (imported by
 * another script) some counts flipped by 0.5 % between runs. With TurboFan off and the GC schedule
 * fixed, four copies of it counted 282.6–282.7 M. On Lambda, TurboFan compiles on a background
 * thread, so a cold start's main thread does not wait for it. Without predictable mode, Node's start
 * alone varied by 1–5 % and a load by up to 6 % (the garbage collector ran at other moments); wall
 * time on a shared 2-core machine varies by 5–20 %. Includes Node's own start: subtract
 * `importInstructions([])`.
 */
export async function importInstructions(files: string[]): Promise<number> {
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, ...V8_FLAGS, '--input-type=module', '-e', IMPORT_TIMER, ...files.map((f) => pathToFileURL(f).href)];
  const { stderr } = await execFileAsync('valgrind', args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`Importing ${files.join(', ')} under valgrind failed:\n${error.stderr ?? error.message}`);
  });
  return instructionsOf(stderr) / 1e6;
}

/** Runs the tasks, at most `parallel` at a time (instruction counts do not depend on what runs beside them). */
async function inParallel(tasks: (() => Promise<void>)[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, worker));
}

const FLAGS = '[--runs N] [--only FUNCTION,…] [--measure time|instructions]';

/** A bad flag: named with its fix; exits 2 (bench:bundles failed for a bundle: 1). */
class FlagError extends Error {
  override name = 'FlagError';
}

interface Row {
  fn: string; label: string; lazy: boolean; clients: SdkClient[]; runtime: string[]; kib: number; packageKib: number; files: string[];
  baseline: string; runtimeBaseline: string; ms: number[]; baselineMs: number[]; runtimeMs: number[];
}

const kibOf = (metafile: Metafile, outputs: Iterable<string>) => [...outputs].reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0) / 1024;

/**
 * What a first use adds to what the cold start loaded: the clients it loads anew, and the commands it
 * sends with a client the cold start already had (each with its class, which costs nothing once loaded).
 */
export function addedClients(atStart: SdkClient[], atUse: SdkClient[]): SdkClient[] {
  const before = new Map(atStart.map((c) => [c.name, new Set(c.commands ?? [])]));
  return atUse.flatMap((c) => {
    const had = before.get(c.name);
    if (!had) return [c];
    const commands = (c.commands ?? []).filter((command) => !had.has(command));
    return commands.length > 0 ? [{ ...c, commands }] : [];
  });
}

/** The runtime-library names a first use imports that the cold start did not. */
export function addedImports(atStart: Map<string, Set<string>>, atUse: Map<string, Set<string>>): Map<string, Set<string>> {
  const added = new Map<string, Set<string>>();
  for (const [from, names] of atUse) {
    const fresh = [...names].filter((name) => !atStart.get(from)?.has(name));
    if (fresh.length > 0) added.set(from, new Set(fresh));
  }
  return added;
}

/**
 * A baseline's entry: what the cold start loads, imported statically, and — for a first use — what
 * it adds, imported with import() as the function imports its chunk, so the baseline pays the same
 * second module graph.
 */
export function baselineEntry(atStart: string, added?: string): string {
  if (!added) return atStart;
  return `${atStart}export const later = await import('./later.ts');\n`;
}

/** Builds a baseline once per distinct pair of sources, split like the functions; returns its entry file. */
async function baselineFor(atStart: string, added: string | undefined, options: BuildOptions, built: Map<string, string>): Promise<string> {
  const key = `${atStart}\0${added ?? ''}`;
  const done = built.get(key);
  if (done) return done;
  const dir = path.join(outDir, 'baselines', String(built.size));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'baseline.ts'), baselineEntry(atStart, added));
  if (added) writeFileSync(path.join(dir, 'later.ts'), added);
  await build({ ...options, entryPoints: [path.join(dir, 'baseline.ts')], outdir: dir });
  const file = path.join(dir, 'baseline.mjs');
  built.set(key, file);
  return file;
}

async function bundleFunction(fn: string, options: BuildOptions, baselines: Map<string, string>): Promise<Row[]> {
  const dir = path.join(outDir, fn);
  const { metafile } = await build({ ...options, entryPoints: [path.join(root, 'functions', `${fn}.ts`)], outdir: dir });
  const packageKib = kibOf(metafile!, Object.keys(metafile!.outputs));
  const rows: Row[] = [];
  const importsOf = (outputs: Iterable<string>) => runtimeImports(ownSources(metafile!, outputs).map((file) => ({ file, source: readFileSync(path.join(root, file), 'utf8') })));
  const [coldStart, ...firstUses] = loadPaths(metafile!, fn);
  const coldClients = sdkClients(metafile!, { outputs: coldStart!.outputs });
  const coldImports = importsOf(coldStart!.outputs);
  for (const load of [coldStart!, ...firstUses]) {
    const lazy = load !== coldStart;
    const clients = lazy ? sdkClients(metafile!, { outputs: load.outputs }) : coldClients;
    const runtime = lazy ? importsOf(load.outputs) : coldImports;
    const [moreClients, moreImports] = [addedClients(coldClients, clients), addedImports(coldImports, runtime)];
    rows.push({
      fn, label: load.label, lazy, clients, runtime: [...runtime.keys()].sort(), kib: kibOf(metafile!, load.outputs), packageKib,
      files: load.files.map((f) => path.join(root, f)),
      baseline: await baselineFor(baselineSource(coldClients), lazy ? baselineSource(moreClients) : undefined, options, baselines),
      runtimeBaseline: await baselineFor(runtimeBaselineSource(coldClients, coldImports), lazy ? runtimeBaselineSource(moreClients, moreImports) : undefined, options, baselines),
      ms: [], baselineMs: [], runtimeMs: [],
    });
  }
  return rows;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' }, measure: { type: 'string', default: 'time' } } });
  } catch (error) {
    throw new FlagError(`${(error as Error).message}. Flags: ${FLAGS}`);
  }
  const { values } = parsed;
  const measure = values.measure;
  if (measure !== 'time' && measure !== 'instructions') throw new FlagError(`--measure is time or instructions, got ${measure}: e.g. --measure instructions`);
  // Instruction counts repeat (predictable mode): one round by default (each count takes seconds).
  const runs = Number(values.runs ?? (measure === 'time' ? 15 : 1));
  if (!Number.isInteger(runs) || runs < 1) throw new FlagError(`--runs must be a positive integer, got ${values.runs}: e.g. --runs 15`);
  if (measure === 'instructions' && spawnSync('valgrind', ['--version']).error) {
    throw new FlagError('--measure instructions needs valgrind on PATH: install it (Debian: apt-get install valgrind) or measure time (the default)');
  }
  const all = readdirSync(path.join(root, 'functions')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  const only = values.only?.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = only?.filter((f) => !all.includes(f)) ?? [];
  if (unknown.length > 0 || (only && only.length === 0)) throw new FlagError(`--only names functions/<name>.ts; ${unknown.length ? `no function ${unknown.join(', ')}` : 'none given'}. Functions: ${all.join(', ')}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const options = esbuildOptions();
  const fns = only ?? all;
  const baselines = new Map<string, string>();
  const rows: Row[] = [];
  for (const fn of fns) rows.push(...(await bundleFunction(fn, options, baselines)));
  const unit = measure === 'time' ? 'ms' : 'M instr';
  process.stdout.write(`Bundled ${fns.length} functions into ${path.relative(root, outDir)}/; importing each load ${runs}× in fresh Node ${process.versions.node}, ${measure === 'time' ? 'timed' : 'its instructions counted by valgrind'}…\n\n`);

  if (measure === 'time') {
    // Interleave the function and its two baselines, rotating which goes first each round, to spread drift and noise.
    for (let run = 0; run < runs; run++) {
      for (const r of rows) {
        const trio = [() => r.ms.push(importMs(r.files)), () => r.baselineMs.push(importMs([r.baseline])), () => r.runtimeMs.push(importMs([r.runtimeBaseline]))];
        for (let i = 0; i < trio.length; i++) trio[(i + run) % trio.length]!();
      }
    }
  } else {
    // Node's own start (counted once a round: in predictable mode it repeats) is taken off every count of
    // the round: what is left is the import.
    for (let run = 0; run < runs; run++) {
      const start = await importInstructions([]);
      await inParallel(
        rows.flatMap((r) => [
          async () => void (r.ms[run] = (await importInstructions(r.files)) - start),
          async () => void (r.baselineMs[run] = (await importInstructions([r.baseline])) - start),
          async () => void (r.runtimeMs[run] = (await importInstructions([r.runtimeBaseline])) - start),
        ]),
        availableParallelism(),
      );
    }
  }

  const lines = [['load', 'clients', 'loads KiB', 'package KiB', 'size target', `import ${unit}`, `clients ${unit}`, 'ratio', `+runtime ${unit}`, 'runtime floor', 'own-code ratio', 'own-code target']];
  let sizeMet = 0, sizeApplies = 0, ratioMet = 0, ratioApplies = 0, ownMet = 0;
  const floors: number[] = [];
  for (const r of rows) {
    const [ms, base, withRuntime] = [median(r.ms), median(r.baselineMs), median(r.runtimeMs)];
    const ratio = pairedRatio(r.ms, r.baselineMs);
    const own = pairedRatio(r.ms, r.runtimeMs);
    // What the runtime libraries alone add to the clients: the part of `ratio` no code of ours can remove.
    const floor = pairedRatio(r.runtimeMs, r.baselineMs);
    // The size target is a one-client function's whole package (every chunk it may load): one service
    // on every code path, its cold start's and each first use's.
    const sizeTarget = !r.lazy && servicesOf(rows.filter((x) => x.fn === r.fn).flatMap((x) => x.clients)).size === 1;
    // Against an empty baseline the ratio only measures the function's own code: reported, no target.
    const ratioTarget = r.clients.length > 0;
    sizeApplies += Number(sizeTarget);
    sizeMet += Number(sizeTarget && r.packageKib <= SIZE_TARGET_KIB);
    ratioApplies += Number(ratioTarget);
    ratioMet += Number(ratioTarget && ratio <= RATIO_TARGET);
    ownMet += Number(ratioTarget && own <= RATIO_TARGET);
    if (ratioTarget) floors.push(floor);
    const clients = r.clients.length === 0 ? '-' : r.clients.length <= 2 ? r.clients.map((c) => c.name).join(',') : `${r.clients.length} clients`;
    lines.push([
      r.label, clients, r.kib.toFixed(1), r.lazy ? '' : r.packageKib.toFixed(1),
      sizeTarget ? `≤ ${SIZE_TARGET_KIB} ${r.packageKib <= SIZE_TARGET_KIB ? 'met' : 'MISSED'}` : r.lazy ? '' : 'n/a',
      ms.toFixed(1), base.toFixed(1), ratio.toFixed(2),
      withRuntime.toFixed(1), ratioTarget ? floor.toFixed(2) : 'n/a', own.toFixed(2),
      ratioTarget ? `≤ ${RATIO_TARGET} ${own <= RATIO_TARGET ? 'met' : 'MISSED'}` : 'n/a',
    ]);
  }
  process.stdout.write(`${table(lines)}\n\n`);
  for (const r of rows.filter((x) => x.clients.length > 2)) {
    process.stdout.write(`${r.label.trim()} clients: ${r.clients.map((c) => c.name).join(', ')}\n`);
  }
  for (const runtime of new Set(rows.map((r) => r.runtime.join(', ')))) {
    process.stdout.write(`runtime libraries ${runtime || '(none)'}: ${[...new Set(rows.filter((r) => r.runtime.join(', ') === runtime).map((r) => r.fn))].join(', ')}\n`);
  }
  process.stdout.write(
    `Summary (${measure === 'time' ? 'import time' : 'instructions'}): ${fns.length} functions, ${rows.length - fns.length} first uses of a lazily loaded chunk, ${runs} runs each; ` +
      `package ≤ ${SIZE_TARGET_KIB} KiB met by ${sizeMet}/${sizeApplies} one-client functions (one service on every code path); ` +
      `own code ≤ ${RATIO_TARGET} × clients and runtime libraries (the import target) met by ${ownMet}/${ratioApplies} loads using SDK clients; ` +
      `import ≤ ${RATIO_TARGET} × the clients alone by ${ratioMet}/${ratioApplies}, where the runtime libraries alone take a median ${median(floors).toFixed(2)} × ` +
      `(range ${Math.min(...floors).toFixed(2)}–${Math.max(...floors).toFixed(2)}; README, "What the import target measures").\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:bundles ${error instanceof FlagError ? 'refused its flags' : 'failed'}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof FlagError ? 2 : 1);
  });
}
