/** CodeDeploy AfterAllowTraffic hook: green serves production; watch it and fail fast if it breaks. */

import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { loadBundledCatalog } from '../src/suite/bundledSuite';

export const handler = createHookHandler('AfterAllowTraffic', loadBundledCatalog);
