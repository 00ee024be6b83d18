/**
 * "Did you mean …?" for a value that is not in a known list (regions, time zones): the candidate with
 * the fewest single-character edits, when it is close enough to be what was meant.
 */

/** Levenshtein distance: insertions, deletions and substitutions, each counting one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate nearest to `value` (case-insensitive; the first of equals, in the list's order), or
 * undefined when even that one differs in more than a third of the value's characters (at least 2):
 * a guess that far off would mislead more than help.
 */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  const wanted = value.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const limit = Math.max(2, Math.floor(value.length / 3));
  return best && best.distance <= limit ? best.candidate : undefined;
}

/** `; did you mean X?` when a close candidate exists, else ''. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const suggestion = closest(value, candidates);
  return suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
}
