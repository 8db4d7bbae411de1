/** CodeDeploy BeforeAllowTraffic hook: last smoke test of green before production traffic. */

import { loadBundledCatalog } from '../src/controllers/bundledSuite';
import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { emfMeter } from '../src/logging/metrics';

export const handler = createHookHandler('BeforeAllowTraffic', loadBundledCatalog, {
  meter: emfMeter(),
});
