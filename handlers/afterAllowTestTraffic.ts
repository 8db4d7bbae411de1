/** CodeDeploy AfterAllowTestTraffic hook: smoke-tests green through the test listener. */

import { loadBundledCatalog } from '../src/hooks/bundledSuite';
import { createHookHandler } from '../src/hooks/createHookHandler';

export const handler = createHookHandler('AfterAllowTestTraffic', loadBundledCatalog);
