import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidInputError } from '../../errors.ts';
import type { LatestReport } from './render.ts';

/** A report.json for the document's latest results; one that is missing, not JSON or not a report is bad input naming --report. */
export function readDocReport(file: string): LatestReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`--report: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { field: 'report' });
  }
  let report: Partial<LatestReport>;
  try {
    report = JSON.parse(text) as Partial<LatestReport>;
  } catch {
    throw new InvalidInputError(`--report: ${file} is not JSON; give the report.json a drill or a run wrote`, { field: 'report' });
  }
  const missing = (['scenario', 'outcome', 'startedAt', 'finishedAt', 'tiers', 'rpo'] as const).filter((k) => report[k] === undefined);
  if (missing.length > 0 || !Array.isArray(report.tiers) || !Array.isArray(report.rpo)) {
    throw new InvalidInputError(`--report: ${file} is not a drill or run report (missing ${missing.join(', ') || 'tiers or rpo lists'})`, { field: 'report' });
  }
  return report as LatestReport;
}

export function writeDoc(file: string, text: string): void {
  writeFileSync(file, text);
}
