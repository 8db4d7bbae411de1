/** CodeDeploy BeforeAllowTraffic hook: last smoke test of green before production traffic. */

import { createHookHandler } from '../src/controllers/codedeploy/createHookHandler';
import { loadBundledCatalog } from '../src/suite/bundledSuite';

export const handler = createHookHandler('BeforeAllowTraffic', loadBundledCatalog);
