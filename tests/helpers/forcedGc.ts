/**
 * Garbage collection on demand inside a jest worker: the flag can be turned on at run time, and
 * `gc` is then found in a fresh context. Used to show that deadlines survive a collection.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const forceGc = runInNewContext('gc') as () => void;

/** Runs a full collection every `everyMs` until stopped. */
export const collectContinuously = (everyMs = 20): (() => void) => {
  const timer = setInterval(forceGc, everyMs);
  return () => clearInterval(timer);
};
