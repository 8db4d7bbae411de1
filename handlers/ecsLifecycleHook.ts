/** ECS native blue/green lifecycle hook: the stage's checks against green, answered as ECS expects. */

import { createEcsHookHandler } from '../src/ecs/createEcsHookHandler';
import { loadBundledSuite } from '../src/hooks/bundledSuite';

export const handler = createEcsHookHandler(loadBundledSuite);
