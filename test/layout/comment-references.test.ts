import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What the comments of the tracked sources cite is there for every reader of the repository: a repo
 * path (under shared, functions, test, scripts, statemachines, examples, bin or .ci) exists, an anchor
 * into README.md names one of its headings, and no comment cites a markdown file that is not in the
 * repository (notes kept outside the checkout, say). The only exception is a file the code itself
 * writes, named in the code that writes it (OWN_OUTPUTS: the drill's markdown report). Public URLs
 * are not checked here.
 */

const root = path.resolve(import.meta.dirname, '../..');
const SOURCE = /\.(ts|cjs|mjs|js|yml)$/;
const TOP = /^(shared|functions|test|scripts|statemachines|examples|bin|\.ci)\//;
/** Files the code itself writes, by name, and where a comment may name them. */
const OWN_OUTPUTS: { name: string; in: RegExp }[] = [{ name: 'report.md', in: /^(shared\/tools|test\/shared\/tools)\// }];

export interface SourceFile {
  path: string;
  text: string;
}

export interface Repository {
  /** A file or directory, relative to the repository root. */
  exists(repoPath: string): boolean;
  /** The anchors of a markdown file's headings, or undefined when the file is not there. */
  anchors(repoPath: string): Set<string> | undefined;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The comment part of a line, or null: a whole comment line, or what follows a trailing `//` (`#` in YAML). */
export function commentOf(file: string, line: string): string | null {
  const trimmed = line.trim();
  if (file.endsWith('.yml')) {
    if (trimmed.startsWith('#')) return trimmed;
    const trailing = /\s#\s(.*)$/.exec(line);
    return trailing ? trailing[1]! : null;
  }
  if (trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*')) return trimmed;
  const trailing = /\s\/\/\s(.*)$/.exec(line);
  return trailing ? trailing[1]! : null;
}

/** Path-like words of a comment (a repo path, a relative path, a markdown file with an anchor), URLs left out. */
function citedPaths(comment: string): string[] {
  const withoutUrls = comment.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  return [...withoutUrls.matchAll(/(?<![\w@$./#-])[\w./-]*[\w-](?:#[\w-]+)?/g)].map((m) => m[0]);
}

/** Why a cited path does not hold, or null when it does (or is not a repository reference). */
function problemWith(file: string, cited: string, repo: Repository): string | null {
  const [target = '', anchor] = cited.replace(/^(\.\.?\/)+/, '').split('#') as [string, string | undefined];
  const repoPath = target.replace(/:\d+(-\d+)?$/, '');
  if (TOP.test(repoPath)) return repo.exists(repoPath) || repo.exists(`${repoPath}.ts`) ? null : cited;
  if (!repoPath.endsWith('.md')) return null;
  if (!repoPath.includes('/') && OWN_OUTPUTS.some((o) => o.name === repoPath && o.in.test(file))) return null;
  const anchors = repo.exists(repoPath) ? repo.anchors(repoPath) : undefined;
  if (anchors === undefined) return cited;
  return anchor === undefined || anchors.has(anchor) ? null : cited;
}

/** Every comment reference that does not resolve, as `file:line: reference`. */
export function badReferences(files: SourceFile[], repo: Repository): string[] {
  return files.flatMap((f) =>
    f.text.split('\n').flatMap((line, i) => {
      const comment = commentOf(f.path, line);
      if (comment === null) return [];
      return citedPaths(comment)
        .map((cited) => problemWith(f.path, cited, repo))
        .filter((p) => p !== null)
        .map((p) => `${f.path}:${i + 1}: ${p}`);
    }),
  );
}

/** The tracked sources; a file listed but gone (moved or deleted meanwhile) is skipped. */
export function readSources(paths: string[], base = root): SourceFile[] {
  return paths.flatMap((p) => {
    try {
      return [{ path: p, text: readFileSync(path.join(base, p), 'utf8') }];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return [];
      throw error;
    }
  });
}

function trackedSources(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0');
  return listed.filter((p) => SOURCE.test(p) && path.basename(p) !== 'package-lock.json');
}

const checkout: Repository = {
  exists: (repoPath) => existsSync(path.join(root, repoPath)),
  anchors: (repoPath) => {
    const [markdown] = readSources([repoPath]);
    return markdown && headingAnchors(markdown.text);
  },
};

describe('references in comments', () => {
  it('name only files, folders and README headings that are in the repository', () => {
    // Prepare
    const files = readSources(trackedSources());
    // Act
    const offenders = badReferences(files, checkout);
    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(offenders, `comments cite what is not in the repository (use the public URL, or say it inline):\n${offenders.join('\n')}\n`).toEqual([]);
  });

  it('reports each bad reference as file:line: reference, and lets through what resolves', () => {
    // Prepare: a scratch repository in memory; the comment marker is built so that this file has none of these comments.
    const line = '/'.repeat(2);
    const files: SourceFile[] = [
      {
        path: 'shared/example.ts',
        text: [
          '/**',
          ' * Facts from aws-behaviour.md §4; see shared/errors.ts and test/statemachines/error-names.test.ts.',
          ' * Contract: ../notes/contracts.md ("Execution input"), README.md#deploy, README.md#no-such-heading.',
          ' * Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (a URL, not checked).',
          ' */',
          `const a = 1; ${line} shared/state/lock.ts:229 and shared/gone.ts`,
          "const b = 'test/not/a/comment.ts';",
          `${line} report.md is the drill's file, not this one's`,
        ].join('\n'),
      },
      { path: 'shared/tools/drill/render.ts', text: `${line} report.md: the drill writes it; so is shared/tools/drill/simulator/ a folder` },
      { path: 'serverless.yml', text: ['# built by scripts/missing.cjs', 'handler: functions/notify.handler # functions/notify.ts'].join('\n') },
    ];
    const present = new Set(['shared/errors.ts', 'shared/state/lock.ts', 'shared/tools/drill/simulator', 'functions/notify.ts', 'README.md']);
    const repo: Repository = {
      exists: (p) => present.has(p),
      anchors: (p) => (p === 'README.md' ? headingAnchors('# dr-autopilot\n\n## Deploy\n\n```sh\n# not a heading\n```\n') : undefined),
    };
    // Act
    const offenders = badReferences(files, repo);
    // Assess
    expect(offenders).toEqual([
      'shared/example.ts:2: aws-behaviour.md',
      'shared/example.ts:2: test/statemachines/error-names.test.ts',
      'shared/example.ts:3: ../notes/contracts.md',
      'shared/example.ts:3: README.md#no-such-heading',
      'shared/example.ts:6: shared/gone.ts',
      'shared/example.ts:8: report.md',
      'serverless.yml:1: scripts/missing.cjs',
    ]);
  });

  it('skips a listed file that is gone by the time it is read', () => {
    // Prepare
    const listed = ['test/layout/comment-references.test.ts', 'shared/no-such-file-any-more.ts'];
    // Act
    const files = readSources(listed);
    // Assess
    expect(files.map((f) => f.path)).toEqual(['test/layout/comment-references.test.ts']);
  });

  it('computes README anchors as GitHub does', () => {
    // Prepare
    const markdown = '# dr-autopilot\n## Start a recovery from the AWS console\n### Retries and errors\n## Deploy\n## Deploy\n';
    // Act
    const anchors = headingAnchors(markdown);
    // Assess
    expect([...anchors]).toEqual(['dr-autopilot', 'start-a-recovery-from-the-aws-console', 'retries-and-errors', 'deploy', 'deploy-1']);
  });
});
