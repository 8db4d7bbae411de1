/**
 * Validates the event Amazon ECS sends a lifecycle hook (ECS native blue/green). A malformed
 * event is a reason, not an exception: the hook must still answer with a valid hookStatus.
 */
import * as z from 'zod/mini';
import { formatIssuePath } from '../../suite/issuePath';
import { ECS_STAGES } from '../../suite/schema';
import '../../suite/zodMessages';

const weights = z.optional(z.record(z.string(), z.number()));

const eventSchema = z.object({
  executionId: z.string().check(z.minLength(1)),
  lifecycleStage: z.enum(ECS_STAGES),
  resourceArn: z.string().check(z.minLength(1)),
  executionDetails: z.object({
    serviceArn: z.string().check(z.minLength(1)),
    targetServiceRevisionArn: z.string().check(z.minLength(1)),
    testTrafficWeights: weights,
    productionTrafficWeights: weights,
  }),
  hookDetails: z.optional(z.record(z.string(), z.unknown())),
});

export type EcsHookEvent = z.output<typeof eventSchema>;

export const parseEcsHookEvent = (
  event: unknown,
): { ok: true; event: EcsHookEvent } | { ok: false; reason: string } => {
  const result = eventSchema.safeParse(event);
  if (result.success) return { ok: true, event: result.data };
  const problems = result.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  return {
    ok: false,
    reason: `malformed ECS lifecycle hook event: ${problems.join('; ')}. Is this function invoked by an ECS service's deploymentConfiguration.lifecycleHooks?`,
  };
};
