/** CodeDeploy AfterAllowTestTraffic hook: smoke-tests green through the test listener. */

import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { loadBundledCatalog } from '../src/suite/bundledSuite';

export const handler = createHookHandler('AfterAllowTestTraffic', loadBundledCatalog);
