// g. The engine is not running (connection refused). AWS would answer 503 ServiceUnavailable;
// the message says what to run so the learner can recover on their own.
import type { AwsError } from '../envelope.ts';

export function engineDown(): AwsError {
  return {
    status: 503,
    type: 'Receiver',
    code: 'ServiceUnavailable',
    message: 'The labrunner sandbox engine is not running. Run: lab sandbox start',
  };
}
