/** CodeDeploy AfterAllowTestTraffic hook: smoke-tests green through the test listener. */

import { loadBundledCatalog } from '../src/controllers/bundledSuite';
import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';

export const handler = createHookHandler('AfterAllowTestTraffic', loadBundledCatalog);
