// The target flags every account-facing command takes (`lab start`, `lab check`, …).
import type { ArgsDef } from 'citty';

export const targetArgs = {
  target: {
    type: 'string',
    description: 'Where to check: sandbox (default, or $LAB_TARGET) or aws',
    valueHint: 'sandbox|aws',
  },
  profile: {
    type: 'string',
    description: 'AWS profile for the runner (--target aws; default $AWS_PROFILE or the SDK chain)',
  },
  region: {
    type: 'string',
    description: 'AWS region (default: the profile or sandbox region)',
  },
} as const satisfies ArgsDef;
