// Bundle benchmark: `npm run bench:bundles [-- --runs N]`. Bundles every functions/*.ts with the
// serverless-esbuild options, and a baseline holding only the SDK clients that function uses, then
// reports bundle size and the median import time of each in a fresh Node process. Numbers only: it
// exits 0 whatever they are, and 1 only when a bundle cannot be built or imported.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = path.join(root, '.bench', 'bundles');
const SIZE_TARGET_KIB = 400;
const RATIO_TARGET = 1.2;

/** The function bundle options, minus the keys only serverless-esbuild understands. */
export function esbuildOptions(): BuildOptions {
  const { exclude: _e, packager: _p, outputFileExtension: _o, ...options } = createRequire(import.meta.url)('./esbuild-options.cjs');
  return { ...options, absWorkingDir: root, metafile: true, write: true, logLevel: 'silent' };
}

export interface SdkClient { name: string; className: string; dir: string }

/**
 * Database drivers counted as clients beside the SDK's: a function that talks to PostgreSQL carries
 * its client library as it carries an SDK client, so its baseline holds it too.
 */
const DATABASE_CLIENTS: Record<string, string> = { pg: 'Client' };

/**
 * Clients in the bundle: inputs under node_modules/@aws-sdk/client-<name>/ (and the database
 * drivers above) that contribute bytes to the output. metafile.inputs alone also lists modules
 * parsed, then tree-shaken away entirely.
 */
export function sdkClients(metafile: Metafile, resolveClassName = clientClassName): SdkClient[] {
  const found = new Map<string, SdkClient>();
  const bundled = Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0));
  for (const [input] of bundled) {
    const match = /^(.*node_modules\/@aws-sdk\/client-([^/]+))\//.exec(input);
    if (match && !found.has(match[2]!)) {
      const dir = path.resolve(root, match[1]!);
      found.set(match[2]!, { name: match[2]!, className: resolveClassName(dir), dir });
    }
    const driver = /^(.*node_modules\/([^/@][^/]*))\//.exec(input);
    if (driver && DATABASE_CLIENTS[driver[2]!] && !found.has(driver[2]!)) {
      found.set(driver[2]!, { name: driver[2]!, className: DATABASE_CLIENTS[driver[2]!]!, dir: path.resolve(root, driver[1]!) });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every client package ships its client class as dist-es/<Name>Client.js (e.g. SNSClient). */
function clientClassName(dir: string): string {
  const file = readdirSync(path.join(dir, 'dist-es')).find((f) => /^\w+Client\.js$/.test(f));
  if (!file) throw new Error(`No client class found in ${dir}/dist-es`);
  return file.slice(0, -'.js'.length);
}

/** A module holding only the given clients; it references each class so none is tree-shaken. */
export function baselineSource(clients: SdkClient[]): string {
  if (clients.length === 0) return '';
  // pg is CommonJS: its classes hang off the default export.
  const imports = clients.map((c) => (DATABASE_CLIENTS[c.name] ? `import ${c.name} from '${c.name}';` : `import { ${c.className} } from '@aws-sdk/client-${c.name}';`));
  const refs = clients.map((c) => (DATABASE_CLIENTS[c.name] ? `${c.name}.${c.className}` : c.className));
  return `${imports.join('\n')}\nexport const clients = [${refs.join(', ')}];\n`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const IMPORT_TIMER = 'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

/** Milliseconds to import a bundle in a fresh Node process. */
function importMs(file: string): number {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href], { cwd: root, encoding: 'utf8' });
  const ms = Number(run.stdout);
  if (run.status !== 0 || !Number.isFinite(ms)) throw new Error(`Importing ${file} failed:\n${run.stderr || run.stdout}`);
  return ms;
}

interface Bench { fn: string; clients: SdkClient[]; kib: number; bundle: string; baseline: string; ms: number[]; baselineMs: number[] }

async function bundleFunction(fn: string, options: BuildOptions): Promise<Bench> {
  const bundle = path.join(outDir, `${fn}.mjs`);
  const baseline = path.join(outDir, `${fn}.baseline.mjs`);
  const { metafile } = await build({ ...options, entryPoints: [path.join(root, 'functions', `${fn}.ts`)], outfile: bundle });
  const clients = sdkClients(metafile!);
  const stdin = { contents: baselineSource(clients), resolveDir: root, sourcefile: `${fn}.baseline.ts`, loader: 'ts' as const };
  await build({ ...options, stdin, outfile: baseline });
  return { fn, clients, kib: statSync(bundle).size / 1024, bundle, baseline, ms: [], baselineMs: [] };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const options = esbuildOptions();
  const fns = readdirSync(path.join(root, 'functions')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  const benches = await Promise.all(fns.map((fn) => bundleFunction(fn, options)));
  process.stdout.write(`Bundled ${benches.length} functions into ${path.relative(root, outDir)}/; importing each ${runs}× in fresh Node ${process.versions.node}…\n\n`);

  // Interleave function and baseline, swapping which goes first each round, to spread drift and noise.
  for (let run = 0; run < runs; run++) {
    for (const b of benches) {
      const pair = [() => b.ms.push(importMs(b.bundle)), () => b.baselineMs.push(importMs(b.baseline))];
      for (const measure of run % 2 === 0 ? pair : pair.reverse()) measure();
    }
  }

  const rows = [['function', 'clients', 'size KiB', 'size target', 'import ms', 'baseline ms', 'ratio', 'ratio target']];
  let sizeMet = 0, sizeApplies = 0, ratioMet = 0, ratioApplies = 0;
  for (const b of benches) {
    const [ms, base] = [median(b.ms), median(b.baselineMs)];
    const ratio = ms / base;
    const sizeTarget = b.clients.length === 1;
    // Against an empty baseline the ratio only measures the function's own code: reported, no target.
    const ratioTarget = b.clients.length > 0;
    sizeApplies += Number(sizeTarget);
    sizeMet += Number(sizeTarget && b.kib <= SIZE_TARGET_KIB);
    ratioApplies += Number(ratioTarget);
    ratioMet += Number(ratioTarget && ratio <= RATIO_TARGET);
    const clients = b.clients.length === 0 ? '-' : b.clients.length <= 2 ? b.clients.map((c) => c.name).join(',') : `${b.clients.length} clients`;
    rows.push([
      b.fn, clients, b.kib.toFixed(1),
      sizeTarget ? `≤ ${SIZE_TARGET_KIB} ${b.kib <= SIZE_TARGET_KIB ? 'met' : 'MISSED'}` : 'n/a',
      ms.toFixed(1), base.toFixed(1), ratio.toFixed(2),
      ratioTarget ? `≤ ${RATIO_TARGET} ${ratio <= RATIO_TARGET ? 'met' : 'MISSED'}` : 'n/a',
    ]);
  }
  process.stdout.write(`${table(rows)}\n\n`);
  for (const b of benches.filter((x) => x.clients.length > 2)) {
    process.stdout.write(`${b.fn} clients: ${b.clients.map((c) => c.name).join(', ')}\n`);
  }
  process.stdout.write(
    `Summary: ${benches.length} functions, ${runs} runs each; size ≤ ${SIZE_TARGET_KIB} KiB met by ${sizeMet}/${sizeApplies} single-client functions; ` +
      `import ratio ≤ ${RATIO_TARGET} met by ${ratioMet}/${ratioApplies} functions using SDK clients.\n`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:bundles failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
