/** Names close to a misspelt one, for "did you mean" messages: nearest first, at most `limit`. */

/** Levenshtein distance, two rows at a time. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
};

export const closeMatches = (name: string, known: Iterable<string>, limit: number): string[] => {
  const target = name.toLowerCase();
  // Only names a typo away: at most a third of the name's length, and at least 2 edits.
  const cutoff = Math.max(2, Math.floor(target.length / 3));
  return [...new Set(known)]
    .map((candidate) => ({ candidate, d: distance(target, candidate.toLowerCase()) }))
    .filter(({ d }) => d <= cutoff)
    .sort((x, y) => x.d - y.d || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
};
