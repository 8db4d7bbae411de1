/** CodeDeploy AfterAllowTestTraffic hook: smoke-tests green through the test listener. */

import { loadBundledCatalog } from '../src/controllers/bundledSuite';
import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { emfMeter } from '../src/logging/metrics';

export const handler = createHookHandler('AfterAllowTestTraffic', loadBundledCatalog, {
  meter: emfMeter(),
});
