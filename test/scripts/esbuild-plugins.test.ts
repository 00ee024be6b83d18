import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../scripts/bench-bundles.ts';

/**
 * The plugins every function bundle is built with (scripts/esbuild-plugins.cjs), run through the
 * deployment's own options on a module that builds an SDK client, as the functions do.
 */

const root = path.resolve(import.meta.dirname, '../..');

describe('esbuild plugins', () => {
  let dir: string;
  let metafile: Metafile;

  beforeAll(async () => {
    // Prepare: an entry inside the repository (so it resolves the SDK from node_modules) that builds a
    // DynamoDB client and reads the user agent it would send.
    mkdirSync(path.join(root, '.bench'), { recursive: true });
    dir = mkdtempSync(path.join(root, '.bench', 'esbuild-plugins-'));
    writeFileSync(
      path.join(dir, 'user-agent.ts'),
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "const client = new DynamoDBClient({ region: 'ap-northeast-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });",
        'export const userAgent = await client.config.defaultUserAgentProvider();',
        '',
      ].join('\n'),
    );
    ({ metafile } = (await build({ ...esbuildOptions(), entryPoints: [path.join(dir, 'user-agent.ts')], outdir: path.join(dir, 'out') })) as { metafile: Metafile });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('name every chunk after its function', () => {
    const outputs = Object.keys(metafile.outputs).map((file) => path.basename(file));
    expect(outputs).toContain('user-agent.mjs');
    expect(outputs.filter((file) => !file.startsWith('user-agent.'))).toEqual([]);
  });

  it('leave the browser user-agent parser (bowser) out, and Node clients still build their user agent', async () => {
    // Act: load the bundle as Lambda would, then the module bowser's import resolves to.
    const { userAgent } = (await import(pathToFileURL(path.join(dir, 'out', 'user-agent.mjs')).href)) as { userAgent: string[][] };
    const [stub] = Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).includes('browser-only:bowser')) ?? [];
    // Assess: no byte of bowser bundled; Node's user agent (util-user-agent-node) needs none; the stub
    // loads (as every file of a zip must) and its parse says why if anything ever calls it.
    expect(Object.keys(metafile.inputs).filter((input) => input.includes('node_modules/bowser/'))).toEqual([]);
    expect(userAgent).toEqual(expect.arrayContaining([['lang/js'], ['md/nodejs', process.versions.node]]));
    expect(stub).toBeDefined();
    const { parse } = (await import(pathToFileURL(path.join(root, stub!)).href)) as { parse: () => unknown };
    expect(() => parse()).toThrow('bowser is left out of the Lambda bundles (scripts/esbuild-plugins.cjs): only a browser parses its user agent with it');
  });
});
