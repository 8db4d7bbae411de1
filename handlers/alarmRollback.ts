/** CloudWatch alarm (SNS, EventBridge or direct action) -> stop the active deployment with rollback. */
import { createAlarmHandler } from '../src/alarm/createAlarmHandler';
import { emfMeter } from '../src/logging/metrics';

export const handler = createAlarmHandler({ meter: emfMeter() });
