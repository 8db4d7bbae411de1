/** The configuration bundled into the Lambda artifact, validated again at cold start. */
import bundled from 'smoke-suite';
import { entriesOf } from '../config/serviceMap';
import { ConfigError } from '../errors';
import type { Suite } from '../suite/schema';
import { validateSuite } from '../suite/validateSuite';
import type { HookCatalog } from './codedeploy/hookCatalog';

export const loadBundledSuite = (): Suite => validateSuite(bundled.document, bundled.source);

/** The stage's suite, or the service map with the suite of each service. */
export const loadBundledCatalog = (): HookCatalog => {
  const map = bundled.serviceMap;
  if (!map) return { suite: loadBundledSuite() };
  const suiteOf = (name: string): Suite => {
    const suite = map.suites[name];
    if (!suite) throw new ConfigError('Bundled service map', [`suite ${name} was not bundled`]);
    return validateSuite(suite.document, suite.source);
  };
  return { services: entriesOf(map.document, map.source, suiteOf), source: map.source };
};
