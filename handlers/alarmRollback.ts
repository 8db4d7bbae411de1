/** CloudWatch alarm (SNS, EventBridge or direct action) -> stop the active deployment with rollback. */
import { createAlarmHandler } from '../src/alarm/createAlarmHandler';

export const handler = createAlarmHandler();
