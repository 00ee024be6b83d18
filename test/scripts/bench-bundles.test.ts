import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { baselineSource, esbuildOptions, median, sdkClients } from '../../scripts/bench-bundles.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const output = (inputs: Record<string, number>): Metafile => ({
  inputs: {},
  outputs: {
    'out.mjs': {
      bytes: 0, imports: [], exports: [], entryPoint: 'entry.ts',
      inputs: Object.fromEntries(Object.entries(inputs).map(([p, bytesInOutput]) => [p, { bytesInOutput }])),
    },
  },
});

async function bundle(entry: { file: string } | { source: string }): Promise<Metafile> {
  const where = 'file' in entry ? { entryPoints: [path.join(root, entry.file)] } : { stdin: { contents: entry.source, resolveDir: root, loader: 'ts' as const } };
  const result = await build({ ...esbuildOptions(), ...where, write: false, outfile: path.join(os.tmpdir(), 'bench-bundles-test.mjs') });
  return result.metafile!;
}

describe('bench:bundles helpers', () => {
  it('finds the SDK clients that contribute bytes to the output, once each, sorted', () => {
    const metafile = output({
      'node_modules/@aws-sdk/client-sns/dist-es/SNSClient.js': 120,
      'node_modules/@aws-sdk/client-sns/dist-es/commands/PublishCommand.js': 80,
      'node_modules/@aws-sdk/client-rds/dist-es/RDSClient.js': 0, // parsed, then tree-shaken away
      'node_modules/some-lib/node_modules/@aws-sdk/client-route-53/dist-es/Route53Client.js': 10,
      'node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/STSClient.js': 50,
      'functions/request-confirmation.ts': 300,
    });
    const clients = sdkClients(metafile, (dir) => `${path.basename(dir)}Class`);
    expect(clients.map((c) => [c.name, c.className])).toEqual([
      ['route-53', 'client-route-53Class'],
      ['sns', 'client-snsClass'],
    ]);
    expect(clients[0]!.dir).toBe(path.join(root, 'node_modules/some-lib/node_modules/@aws-sdk/client-route-53'));
  });

  it('counts the PostgreSQL driver as a client, with its Client class off the default export', () => {
    // Prepare: a bundle holding pg (CommonJS) beside one SDK client; pg-protocol is a helper, not a client.
    const metafile = output({
      'node_modules/pg/lib/client.js': 900,
      'node_modules/pg-protocol/dist/parser.js': 400,
      'node_modules/@aws-sdk/client-secrets-manager/dist-es/SecretsManagerClient.js': 100,
    });
    // Act
    const clients = sdkClients(metafile, () => 'SecretsManagerClient');
    const source = baselineSource(clients);
    // Assess
    expect(clients.map((c) => [c.name, c.className])).toEqual([['pg', 'Client'], ['secrets-manager', 'SecretsManagerClient']]);
    expect(source).toContain("import pg from 'pg';");
    expect(source).toContain('export const clients = [pg.Client, SecretsManagerClient];');
  });

  it('writes a baseline that references every client class, or an empty module', () => {
    expect(baselineSource([])).toBe('');
    const source = baselineSource([{ name: 'sns', className: 'SNSClient', dir: '' }, { name: 'ssm', className: 'SSMClient', dir: '' }]);
    expect(source).toContain("import { SNSClient } from '@aws-sdk/client-sns';");
    expect(source).toContain("import { SSMClient } from '@aws-sdk/client-ssm';");
    expect(source).toContain('export const clients = [SNSClient, SSMClient];');
  });

  it('takes the median of odd and even samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('bundles with the serverless-esbuild options, minus the keys esbuild does not know', () => {
    const options = esbuildOptions();
    expect(options).not.toHaveProperty('exclude');
    expect(options).not.toHaveProperty('packager');
    expect(options).not.toHaveProperty('outputFileExtension');
    expect(options).toMatchObject({ bundle: true, format: 'esm', target: 'node22', metafile: true });
  });

  it('finds the one client of a real function, and its baseline bundles exactly that client', async () => {
    const clients = sdkClients(await bundle({ file: 'functions/request-confirmation.ts' }));
    expect(clients.map((c) => [c.name, c.className])).toEqual([['sns', 'SNSClient']]);
    expect(sdkClients(await bundle({ source: baselineSource(clients) })).map((c) => c.name)).toEqual(['sns']);
    expect(sdkClients(await bundle({ file: 'functions/record-tier.ts' }))).toEqual([]);
  });
});
