/** CodeDeploy AfterAllowTraffic hook: green serves production; watch it and fail fast if it breaks. */

import { loadBundledCatalog } from '../src/controllers/bundledSuite';
import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { emfMeter } from '../src/logging/metrics';

export const handler = createHookHandler('AfterAllowTraffic', loadBundledCatalog, {
  meter: emfMeter(),
});
