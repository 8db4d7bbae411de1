/**
 * Reads CloudWatch embedded metric format (EMF) lines the way CloudWatch Logs extracts them: a
 * JSON log line with an `_aws` envelope whose metric directives name members of the same line.
 * The checks follow AWS's specification ("Specification: Embedded metric format"): a Timestamp in
 * epoch milliseconds, a Namespace, dimension sets of at most 30 names that each name a string
 * member, and at most 100 metrics that each name a number (or numbers) member.
 */

export interface EmfMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit?: string;
  readonly value: number;
  /** Each dimension set, as name -> value. */
  readonly dimensions: Readonly<Record<string, string>>[];
}

interface Directive {
  Namespace: unknown;
  Dimensions: unknown;
  Metrics: unknown;
}

/** The metrics of one EMF line; throws naming what breaks the specification. */
export const parseEmf = (line: string): EmfMetric[] => {
  const doc = JSON.parse(line) as Record<string, unknown> & {
    _aws?: { Timestamp?: unknown; CloudWatchMetrics?: unknown };
  };
  const aws = doc._aws;
  if (!aws) throw new Error('no _aws envelope');
  if (!Number.isInteger(aws.Timestamp)) throw new Error('_aws.Timestamp is not epoch milliseconds');
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0)
    throw new Error('_aws.CloudWatchMetrics is not a non-empty array');
  return (aws.CloudWatchMetrics as Directive[]).flatMap((d) => {
    if (typeof d.Namespace !== 'string' || d.Namespace === '') throw new Error('no Namespace');
    if (!Array.isArray(d.Dimensions)) throw new Error('Dimensions is not an array');
    const sets = (d.Dimensions as unknown[]).map((set) => {
      if (!Array.isArray(set) || set.length > 30)
        throw new Error('a dimension set is not 0-30 names');
      return Object.fromEntries(
        set.map((name) => {
          const value = doc[String(name)];
          if (typeof value !== 'string')
            throw new Error(`dimension ${String(name)} has no string value`);
          return [String(name), value];
        }),
      );
    });
    if (!Array.isArray(d.Metrics) || d.Metrics.length > 100)
      throw new Error('Metrics is not 0-100 items');
    return (d.Metrics as { Name?: unknown; Unit?: unknown }[]).map((m) => {
      const value = doc[String(m.Name)];
      if (typeof m.Name !== 'string' || typeof value !== 'number')
        throw new Error(`metric ${String(m.Name)} has no number value`);
      return {
        namespace: d.Namespace as string,
        name: m.Name,
        ...(typeof m.Unit === 'string' && { unit: m.Unit }),
        value,
        dimensions: sets,
      };
    });
  });
};

/** Collects what the process writes to stdout, keeping the EMF lines (others pass through). */
export const captureEmf = () => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const emf = text.split('\n').filter((l) => l.includes('"_aws"'));
    lines.push(...emf);
    if (emf.length === 0) return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    return true;
  }) as typeof process.stdout.write;
  return {
    lines,
    metrics: (): EmfMetric[] => lines.flatMap(parseEmf),
    stop: () => {
      process.stdout.write = write;
    },
  };
};

/** The metrics named `name` whose dimensions include `where`. */
export const findMetrics = (
  metrics: readonly EmfMetric[],
  name: string,
  where: Readonly<Record<string, string>> = {},
) =>
  metrics.filter(
    (m) =>
      m.name === name &&
      m.dimensions.some((d) => Object.entries(where).every(([k, v]) => d[k] === v)),
  );
