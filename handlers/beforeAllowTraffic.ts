/** CodeDeploy BeforeAllowTraffic hook: last smoke test of green before production traffic. */

import { loadBundledCatalog } from '../src/controllers/bundledSuite';
import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';

export const handler = createHookHandler('BeforeAllowTraffic', loadBundledCatalog);
