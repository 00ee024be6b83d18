import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../../shared/tools/cli/main.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** Runs the CLI in-process from the repository root, capturing its lines. */
export async function cli(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return { code: await runCli(argv, io), out, err };
  } finally {
    process.chdir(cwd);
  }
}
