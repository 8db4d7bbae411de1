/** ECS native blue/green lifecycle hook: the stage's checks against green, answered as ECS expects. */

import { createEcsHookHandler } from '../src/controllers/ecs/createEcsHookHandler';
import { loadBundledSuite } from '../src/suite/bundledSuite';

export const handler = createEcsHookHandler(loadBundledSuite);
