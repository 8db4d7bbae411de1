/** CodeDeploy BeforeAllowTraffic hook: last smoke test of green before production traffic. */

import { loadBundledCatalog } from '../src/hooks/bundledSuite';
import { createHookHandler } from '../src/hooks/createHookHandler';

export const handler = createHookHandler('BeforeAllowTraffic', loadBundledCatalog);
