/** CodeDeploy AfterAllowTraffic hook: green serves production; watch it and fail fast if it breaks. */

import { loadBundledCatalog } from '../src/hooks/bundledSuite';
import { createHookHandler } from '../src/hooks/createHookHandler';

export const handler = createHookHandler('AfterAllowTraffic', loadBundledCatalog);
