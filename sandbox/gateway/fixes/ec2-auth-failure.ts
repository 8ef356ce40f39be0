// EC2 names credential failures differently from IAM: an unknown access key is 401 AuthFailure
// "AWS was not able to validate the provided access credentials" on EC2, where moto 5.2.1
// answers IAM's InvalidClientTokenId.
import type { ErrorFix } from './types.ts';

export const ec2AuthFailure: ErrorFix = ({ req }, answer) => {
  if (req.protocol !== 'ec2' || answer.code !== 'InvalidClientTokenId') return undefined;
  return {
    status: 401,
    code: 'AuthFailure',
    message: 'AWS was not able to validate the provided access credentials',
  };
};
