/**
 * The names the verdict knows the suite's own items by, besides its checks: the production watch
 * and the canary analysis. No check may take one: a check's pass must never stand in for them.
 */
export const WATCH_NAME = 'production watch';
export const ANALYSIS_NAME = 'canary analysis';
export const RESERVED_NAMES: readonly string[] = [WATCH_NAME, ANALYSIS_NAME];
