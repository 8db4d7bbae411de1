/** Everything an SDK paginator yields, flattened: one helper for every list-all call. */
export const collectPages = async <P, T>(
  pages: AsyncIterable<P>,
  itemsOf: (page: P) => readonly (T | undefined)[] | undefined,
): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) {
    for (const item of itemsOf(page) ?? []) if (item !== undefined) all.push(item);
  }
  return all;
};
