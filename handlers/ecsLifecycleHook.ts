/** ECS native blue/green lifecycle hook: the stage's checks against green, answered as ECS expects. */

import { loadBundledSuite } from '../src/controllers/bundledSuite';
import { createEcsHookHandler } from '../src/controllers/ecs/createEcsHookHandler';
import { emfMeter } from '../src/logging/metrics';

export const handler = createEcsHookHandler(loadBundledSuite, { meter: emfMeter() });
