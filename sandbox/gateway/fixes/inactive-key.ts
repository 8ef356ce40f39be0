// c. Inactive access keys. AWS refuses a request signed with an Inactive key: IAM/STS (and
// other query and JSON services) answer 403 InvalidClientTokenId "The security token included in
// the request is invalid."; EC2 answers 401 AuthFailure "AWS was not able to validate the
// provided access credentials". moto 5.2.1 accepts Inactive keys.
import type { PreCheck } from './types.ts';

export const inactiveKey: PreCheck = ({ req, principal }) => {
  if (principal?.status !== 'Inactive') return undefined;
  if (req.protocol === 'ec2') {
    return {
      status: 401,
      code: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
    };
  }
  return {
    status: 403,
    code: 'InvalidClientTokenId',
    message: 'The security token included in the request is invalid.',
  };
};
