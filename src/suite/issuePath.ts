/**
 * Where in a document a validation issue is, as an operator reads it. Its own module: the alarm
 * function and the ECS event parser name fields this way without bundling the suite schema.
 */

/** `checks[1].expect.status` */
export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('') || '(top level)';
